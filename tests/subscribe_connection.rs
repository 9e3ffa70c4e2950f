//! `subscribe` against the scripted long-connection server
//! (`tests/peers/lark_ws_server.py`): the connection side that works.
//! Endpoint discovery's request, pings, pong ClientConfig, replies (whole
//! and fragmented), what is ignored, reconnects after a drop, a close or a
//! dead silence, and credentials kept out of the output. The failures
//! (fatal answers, retries, TLS, signals) are in `subscribe_failures.rs`.
//!
//! Everything is counted from the server's log, never timed. Skipped when
//! the official Python SDK is missing, failing instead in CI.

mod common;

use common::ws_server::{APP_ID, APP_SECRET, WsServer, header, subscribe};
use common::*;
use serde_json::{Value, json};

/// [`sdk_python`], asked once per test binary: importing the SDK takes
/// seconds.
fn python() -> Option<std::path::PathBuf> {
    static PYTHON: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    PYTHON.get_or_init(sdk_python).clone()
}

/// A distinctive service_id: every ping must carry it.
const SERVICE: i64 = 424242;

/// Small ClientConfig values, so that runs are short.
fn quick() -> Value {
    json!({"PingInterval": 1, "ReconnectInterval": 1, "ReconnectNonce": 0, "ReconnectCount": -1})
}

/// A helpdesk ticket event with this event_id, as a JSON payload.
fn ticket(event_id: &str) -> Value {
    let mut event: Value = serde_json::from_slice(&read("ticket-updated.json")).expect("JSON");
    event["header"]["event_id"] = json!(event_id);
    event
}

/// The steps of a connection that waits for the first ping, sends the
/// event `m` (message_id `m`) and waits for its reply.
fn deliver(m: &str) -> Vec<Value> {
    vec![
        json!({"expect": "ping"}),
        json!({"event": {"payload": ticket(&format!("ev-{m}")), "message_id": m}}),
        json!({"expect": "reply", "message_id": m}),
    ]
}

/// The records of connection `k` among `records`.
fn on(k: u64, records: &[Value]) -> Vec<Value> {
    records.iter().filter(|r| r["conn"] == k).cloned().collect()
}

/// The data frames the client sent (its replies).
fn replies(server: &WsServer) -> Vec<Value> {
    let mut frames = server.frames_in();
    frames.retain(|f| f["method"] == 1);
    frames
}

/// The data frames the client sent for message `m`.
fn replies_to(server: &WsServer, m: &str) -> Vec<Value> {
    let mut frames = replies(server);
    frames.retain(|f| header(f, "message_id") == Some(m));
    frames
}

fn ok(out: &std::process::Output) -> String {
    let err = stderr(out);
    assert_eq!(code(out), 0, "stdout:\n{}\nstderr:\n{err}", stdout(out));
    err
}

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
