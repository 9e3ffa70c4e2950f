//! `subscribe` against the scripted long-connection server
//! (`tests/peers/lark_ws_server.py`) when a connection ends: after a drop,
//! a close by the server or a dead silence, the client rediscovers,
//! reconnects to the new URL and goes on. The rest of the connection side
//! that works is in `subscribe_connection.rs`, the failures in
//! `subscribe_failures.rs`.
//!
//! Everything is counted from the server's log, never timed. Skipped when
//! the official Python SDK is missing, failing instead in CI.

mod common;

use common::subscribe_connection::{SERVICE, deliver, ok, python, quick, replies, replies_to};
use common::ws_server::{WsServer, subscribe};
use serde_json::{Value, json};

/// The records of connection `k` among `records`.
fn on(k: u64, records: &[Value]) -> Vec<Value> {
    records.iter().filter(|r| r["conn"] == k).cloned().collect()
}

/// The first connection delivers m1 and ends with `end`; the client
/// rediscovers and reconnects, and the second delivers m2.
fn reconnects_after(end: Value) -> String {
    let python = python().expect("checked by the caller");
    let mut first = deliver("m1");
    first.push(end);
    let server = WsServer::start(
        &python,
        json!({"service_id": SERVICE, "client_config": quick(),
            "connections": [{"steps": first}, {"steps": deliver("m2")}]}),
    );
    let err = ok(&subscribe(&server, &["--max-events", "2"]));
    assert_eq!(server.records("discovery").len(), 2, "rediscovered once");
    let connects = server.records("connect");
    assert_eq!(connects.len(), 2, "{connects:?}");
    assert_eq!(connects[0]["query"]["device_id"], "dev-1");
    assert_eq!(connects[1]["query"]["device_id"], "dev-2", "the second URL");
    assert_eq!(connects[1]["query"]["access_key"], "AKSECRET-2");
    let frames = server.frames_in();
    assert_eq!(on(1, &replies(&server)).len(), 1);
    let m2 = replies_to(&server, "m2");
    assert_eq!(m2.len(), 1);
    assert_eq!(m2[0]["conn"], 2);
    assert_eq!(
        on(2, &frames)[0]["method"],
        0,
        "a new connection starts with a ping"
    );
    let disconnected = err.find("lark-ticket: disconnected: ").expect(&err);
    let reconnected = err
        .find("lark-ticket: reconnected to ws://127.0.0.1:")
        .expect(&err);
    assert!(disconnected < reconnected, "{err}");
    assert!(err.contains(", device dev-2"), "{err}");
    assert_eq!(err.matches("lark-ticket: ready: ").count(), 1, "{err}");
    assert!(err.contains("1 reconnect"), "{err}");
    err
}

#[test]
fn a_dropped_connection_is_rediscovered_and_reconnected() {
    if python().is_none() {
        return;
    }
    reconnects_after(json!({"drop": true}));
}

#[test]
fn a_connection_closed_by_the_server_is_rediscovered_and_reconnected() {
    if python().is_none() {
        return;
    }
    let err = reconnects_after(json!({"close": {"code": 1001, "reason": "going away"}}));
    assert!(err.contains("closed the connection"), "{err}");
}

/// Connection 1 gets one ping answered by nothing and then `then`; the
/// client must take it for dead, reconnect, and get m2 on connection 2.
fn a_silence_is_a_dead_connection(then: &[Value]) {
    let python = python().expect("checked by the caller");
    let mut first = vec![json!({"expect": "ping"})];
    first.extend_from_slice(then);
    let server = WsServer::start(
        &python,
        json!({"client_config": quick(),
            "connections": [{"steps": first}, {"steps": deliver("m2")}]}),
    );
    let err = ok(&subscribe(&server, &["--max-events", "1"]));
    assert!(err.contains("lark-ticket: disconnected: "), "{err}");
    assert!(err.contains("the connection is dead"), "{err}");
    assert!(err.contains("lark-ticket: reconnected to "), "{err}");
    assert_eq!(server.records("connect").len(), 2);
    assert_eq!(server.records("discovery").len(), 2);
    let m2 = replies_to(&server, "m2");
    assert_eq!((m2.len(), &m2[0]["conn"]), (1, &json!(2)), "{m2:?}");
}

#[test]
fn a_server_that_stops_answering_is_taken_for_dead() {
    if python().is_none() {
        return;
    }
    // The steps run out: the WebSocket stays open, pings go unanswered.
    a_silence_is_a_dead_connection(&[]);
}

#[test]
fn a_black_hole_is_taken_for_dead() {
    if python().is_none() {
        return;
    }
    a_silence_is_a_dead_connection(&[json!({"silent": true})]);
}
