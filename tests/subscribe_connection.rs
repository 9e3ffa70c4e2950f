//! `subscribe` against the scripted long-connection server
//! (`tests/peers/lark_ws_server.py`): the connection side that works.
//! Endpoint discovery's request, pings, pong ClientConfig, replies (whole
//! and fragmented), what is ignored, and credentials kept out of the
//! output. Reconnects after a drop, a close or a dead silence are in
//! `subscribe_reconnect.rs`; the failures (fatal answers, retries, TLS,
//! signals) in `subscribe_failures.rs`.
//!
//! Everything is counted from the server's log, never timed. Skipped when
//! the official Python SDK is missing, failing instead in CI.

mod common;

use common::subscribe_connection::{
    SERVICE, deliver, ok, python, quick, replies, replies_to, ticket,
};
use common::ws_server::{APP_ID, APP_SECRET, WsServer, header, subscribe};
use common::*;
use serde_json::{Value, json};

/// `reply` answers `sent`: the same frame, every header kept in order and
/// `biz_rt` (a decimal) appended, the payload `{"code":200}`.
fn assert_answers(reply: &Value, sent: &Value) {
    for field in [
        "SeqID",
        "LogID",
        "service",
        "method",
        "LogIDNew",
        "payload_type",
    ] {
        assert_eq!(reply[field], sent[field], "{field}: {reply} answers {sent}");
    }
    assert_eq!(
        reply["payload_encoding"], sent["payload_encoding"],
        "{reply}"
    );
    let headers = reply["headers"].as_array().expect("headers");
    let kept = sent["headers"].as_array().expect("headers");
    assert_eq!(headers.len(), kept.len() + 1, "{reply}");
    assert_eq!(&headers[..kept.len()], &kept[..], "headers kept in order");
    assert_eq!(headers[kept.len()][0], "biz_rt", "{reply}");
    let biz_rt = headers[kept.len()][1].as_str().expect("text");
    assert!(
        !biz_rt.is_empty() && biz_rt.bytes().all(|b| b.is_ascii_digit()),
        "biz_rt {biz_rt:?}"
    );
    let payload: Value =
        serde_json::from_str(reply["payload"].as_str().expect("a text payload")).expect("JSON");
    assert_eq!(payload, json!({"code": 200}));
}

#[test]
fn discovery_posts_the_app_id_and_secret_as_the_sdks_do() {
    let Some(python) = python() else { return };
    let server = WsServer::start(
        &python,
        json!({"client_config": quick(), "connections": [{"steps": deliver("m1")}]}),
    );
    ok(&subscribe(&server, &["--max-events", "1"]));
    let discoveries = server.records("discovery");
    assert_eq!(discoveries.len(), 1, "{discoveries:?}");
    let d = &discoveries[0];
    assert_eq!(
        (d["n"].as_u64(), d["status"].as_u64()),
        (Some(1), Some(200))
    );
    assert_eq!(d["method"], "POST");
    assert_eq!(d["path"], "/callback/ws/endpoint");
    let named = |name: &str| -> Vec<&str> {
        let headers = d["headers"].as_array().expect("headers");
        let found = headers
            .iter()
            .filter(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)));
        found.map(|h| h[1].as_str().expect("text")).collect()
    };
    assert_eq!(named("content-type"), ["application/json"], "{d}");
    assert_eq!(named("locale"), ["zh"], "{d}");
    assert_eq!(d["body"], json!({"AppID": APP_ID, "AppSecret": APP_SECRET}));
}

#[test]
fn the_first_frame_is_a_ping_naming_the_urls_service_id() {
    let Some(python) = python() else { return };
    let server = WsServer::start(
        &python,
        json!({"service_id": SERVICE, "client_config": quick(),
            "connections": [{"steps": deliver("m1")}]}),
    );
    ok(&subscribe(&server, &["--max-events", "1"]));
    let connects = server.records("connect");
    assert_eq!(connects.len(), 1);
    assert_eq!(connects[0]["query"]["service_id"], SERVICE.to_string());
    let frames = server.frames_in();
    let ping = frames.first().expect("a frame");
    assert_eq!(ping["method"], 0, "{ping}");
    assert_eq!(ping["service"], SERVICE, "{ping}");
    assert_eq!(
        (ping["SeqID"].as_u64(), ping["LogID"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(ping["headers"], json!([["type", "ping"]]));
    assert_eq!(
        ping["has"],
        json!({"SeqID": true, "LogID": true, "service": true, "method": true,
            "payload_encoding": false, "payload_type": false, "payload": false,
            "LogIDNew": false})
    );
    // Every ping, not only the first, names the service.
    for f in frames.iter().filter(|f| f["method"] == 0) {
        assert_eq!(
            (&f["service"], &f["headers"]),
            (&json!(SERVICE), &json!([["type", "ping"]]))
        );
    }
}

#[test]
fn a_pongs_client_config_changes_the_ping_interval_at_once() {
    let Some(python) = python() else { return };
    // PingInterval 120 from discovery: one ping, the next in two minutes,
    // unless the pong's PingInterval 1 is applied.
    let config = json!({"PingInterval": 120, "ReconnectInterval": 1, "ReconnectNonce": 0});
    let server = WsServer::start(
        &python,
        json!({"client_config": config, "connections": [{"steps": [
            {"expect": "ping"},
            {"pong": {"PingInterval": 1}},
            {"expect": "ping", "timeout": 15},
            {"expect": "ping", "timeout": 15},
            {"event": {"payload": ticket("ev-p"), "message_id": "p1"}},
            {"expect": "reply", "message_id": "p1"},
        ]}]}),
    );
    ok(&subscribe(&server, &["--max-events", "1"]));
    assert!(server.records("timeout").is_empty(), "{:?}", server.log());
    let log = server.log();
    let event_at = log
        .iter()
        .position(|r| r["kind"] == "frame_out" && header(r, "message_id") == Some("p1"))
        .expect("the event was sent");
    let pings = log[..event_at]
        .iter()
        .filter(|r| r["kind"] == "frame_in" && r["conn"] == 1 && header(r, "type") == Some("ping"))
        .count();
    assert!(pings >= 3, "{pings} ping(s) before the event: {log:?}");
}

#[test]
fn whole_and_fragmented_events_get_one_reply_each_echoing_the_frame() {
    let Some(python) = python() else { return };
    let extra = json!([["timestamp", "1700000000123"], ["instance_id", "inst-7"]]);
    let server = WsServer::start(
        &python,
        json!({"service_id": SERVICE, "client_config": quick(), "connections": [{"steps": [
            {"expect": "ping"},
            {"event": {"payload": ticket("ev-w"), "message_id": "w1", "seq_id": 41,
                "log_id": 9041, "log_id_new": "lid-new-41", "payload_type": "json",
                "extra_headers": extra}},
            {"expect": "reply", "message_id": "w1"},
            {"event": {"payload": ticket("ev-f"), "message_id": "f1", "fragments": 3,
                "order": [2, 0, 1], "extra_headers": extra}},
            {"expect": "reply", "message_id": "f1"},
        ]}]}),
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let capture = dir.path().join("capture.ndjson");
    let capture_arg = capture.to_str().expect("UTF-8");
    ok(&subscribe(
        &server,
        &["--max-events", "2", "--capture", capture_arg],
    ));
    let sent = server.records("frame_out");
    let whole = replies_to(&server, "w1");
    assert_eq!(whole.len(), 1, "{whole:?}");
    assert_answers(&whole[0], &sent[0]);
    assert_eq!(whole[0]["LogIDNew"], "lid-new-41");
    assert_eq!(header(&whole[0], "instance_id"), Some("inst-7"));
    // The fragments were sent as seq 2, 0, 1: seq 1 completed the message.
    let fragments: Vec<_> = sent
        .iter()
        .filter(|f| header(f, "message_id") == Some("f1"))
        .collect();
    assert_eq!(fragments.len(), 3);
    let fragmented = replies_to(&server, "f1");
    assert_eq!(fragmented.len(), 1, "one reply per message: {fragmented:?}");
    assert_answers(&fragmented[0], fragments[2]);
    assert_eq!(header(&fragmented[0], "seq"), Some("1"));
    assert_eq!(header(&fragmented[0], "sum"), Some("3"));
    assert_eq!(replies(&server).len(), 2, "nothing else answered");
    // Reassembled in seq order: the capture holds the exact payload.
    let mut parts = fragments.clone();
    parts.sort_by_key(|f| header(f, "seq").map(str::to_string));
    let joined: String = parts
        .iter()
        .map(|f| f["payload"].as_str().expect("text"))
        .collect();
    let captured = std::fs::read_to_string(&capture).expect("the capture");
    let records: Vec<Value> = captured
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(records.len(), 2, "{captured}");
    assert_eq!(records[1]["body"], joined.as_str());
    assert_eq!(records[0]["body"], sent[0]["payload"]);
}

#[test]
fn broken_fragment_series_get_no_reply_and_a_warning() {
    let Some(python) = python() else { return };
    let server = WsServer::start(
        &python,
        json!({"client_config": quick(), "connections": [{"steps": [
            {"expect": "ping"},
            {"event": {"payload": ticket("ev-b1"), "message_id": "b1", "fragments": 2,
                "bad": "seq_ge_sum"}},
            {"event": {"payload": ticket("ev-b2"), "message_id": "b2", "fragments": 3,
                "bad": "sum_changes"}},
            {"event": {"payload": ticket("ev-g"), "message_id": "g1"}},
            {"expect": "reply", "message_id": "g1"},
        ]}]}),
    );
    let err = ok(&subscribe(&server, &["--max-events", "1"]));
    assert!(replies_to(&server, "b1").is_empty());
    assert!(replies_to(&server, "b2").is_empty());
    assert_eq!(replies_to(&server, "g1").len(), 1);
    assert_eq!(replies(&server).len(), 1);
    let warning = |m: &str, why: &str| {
        err.lines()
            .any(|l| l.starts_with("lark-ticket: warning: ") && l.contains(m) && l.contains(why))
    };
    assert!(warning("\"b1\"", "seq 2 is not below sum 2"), "{err}");
    assert!(warning("\"b2\"", "changed from 3 to 4"), "{err}");
    assert!(!err.contains("disconnected"), "{err}");
}

#[test]
fn text_frames_and_garbage_are_ignored_and_the_connection_goes_on() {
    let Some(python) = python() else { return };
    let server = WsServer::start(
        &python,
        json!({"client_config": quick(), "connections": [{"steps": [
            {"expect": "ping"},
            {"text": "{\"hello\": \"a text frame\"}"},
            {"raw": "//79/Pv6"},
            {"raw": ""},
            {"frame": {"method": 7, "headers": [["type", "odd"]], "payload": "?"}},
            {"event": {"payload": ticket("ev-g"), "message_id": "g1"}},
            {"expect": "reply", "message_id": "g1"},
        ]}]}),
    );
    let err = ok(&subscribe(&server, &["--max-events", "1"]));
    assert_eq!(replies_to(&server, "g1").len(), 1);
    assert_eq!(replies(&server).len(), 1, "only the event is answered");
    assert!(server.records("text_in").is_empty());
    assert_eq!(
        server.records("connect").len(),
        1,
        "one connection throughout"
    );
    assert!(!err.contains("disconnected"), "{err}");
    assert!(err.contains("not a pbbp2 Frame"), "{err}");
}

#[test]
fn credentials_are_redacted_and_never_shown() {
    let Some(python) = python() else { return };
    let server = WsServer::start(
        &python,
        json!({"service_id": SERVICE, "client_config": quick(),
            "connections": [{"steps": deliver("m1")}]}),
    );
    let err = ok(&subscribe(&server, &["--max-events", "1"]));
    let ready: Vec<_> = err
        .lines()
        .filter(|l| l.starts_with("lark-ticket: ready: connected to "))
        .collect();
    assert_eq!(ready.len(), 1, "{err}");
    let ready = ready[0];
    assert!(ready.contains("access_key=[redacted]"), "{ready}");
    assert!(ready.contains("ticket=[redacted]"), "{ready}");
    assert!(ready.contains(&format!("service_id={SERVICE}")), "{ready}");
    assert!(ready.contains("device dev-1"), "{ready}");
    // Help, with the secret in the environment, does not show it.
    let help = command()
        .args(["subscribe", "--help"])
        .env("LARK_APP_ID", APP_ID)
        .env("LARK_APP_SECRET", APP_SECRET)
        .output()
        .expect("runs");
    assert_eq!(code(&help), 0);
    assert!(stdout(&help).contains("--max-events"));
    common::ws_server::assert_no_secrets(&help);
}
