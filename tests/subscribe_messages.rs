//! `subscribe` on one scripted connection, message by message: the real
//! client against the scripted server (`tests/peers/lark_ws_server.py`).
//! `--event-type` filters what is shown and captured but everything is
//! acknowledged; payloads that are not events are acknowledged, reported
//! and captured; each capture is on disk before its acknowledgement;
//! control characters from the wire never reach the terminal; a closed
//! output pipe ends the run. The demo is in `subscribe.rs`.

mod common;

use common::subscribe::replies;
use common::ws_server::{WsServer, finish, spawn_subscribe, subscribe};
use common::*;
use serde_json::{Value, json};

/// Quick reconnects, so a dropped connection costs nothing.
fn config() -> Value {
    json!({"PingInterval": 120, "ReconnectCount": -1, "ReconnectInterval": 1, "ReconnectNonce": 0})
}

/// One connection that sends `steps`, events numbered msg-1...
fn one_connection(steps: Vec<Value>) -> Value {
    json!({"client_config": config(), "connections": [{"steps": steps}]})
}

fn event(n: usize, payload: &str, more: Value) -> Value {
    let mut e = json!({"payload": payload, "message_id": format!("msg-{n}")});
    if let (Some(e), Some(more)) = (e.as_object_mut(), more.as_object()) {
        e.extend(more.clone());
    }
    json!({"event": e})
}

fn acked(n: usize) -> Value {
    json!({"expect": "reply", "message_id": format!("msg-{n}")})
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("testdata").join(name))
        .unwrap()
        .trim_end()
        .to_string()
}

#[test]
fn event_type_filters_what_is_shown_and_captured_but_everything_is_acknowledged() {
    let Some(python) = sdk_python() else { return };
    let lines = fixture("diff-timeline-a.ndjson");
    let lines: Vec<&str> = lines.lines().collect();
    // created, updated, updated (another ticket), message event, updated.
    let mut steps = vec![json!({"expect": "ping"})];
    for (n, line) in [lines[0], lines[1], lines[2], lines[5], lines[4]]
        .iter()
        .enumerate()
    {
        steps.push(event(n + 1, line, json!({})));
        steps.push(acked(n + 1));
    }
    let server = WsServer::start(&python, one_connection(steps));
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let out = subscribe(
        &server,
        &[
            "-o",
            "json",
            "--event-type",
            "helpdesk.ticket.updated_v1",
            "--max-events",
            "3",
            "--capture",
            capture.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown: Vec<String> = json_lines(&out)
        .iter()
        .map(|l| l["parse"]["event_type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(shown, ["helpdesk.ticket.updated_v1"; 3]);
    let acks = replies(&server);
    let ids: Vec<&str> = acks.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["msg-1", "msg-2", "msg-3", "msg-4", "msg-5"]);
    assert!(acks.iter().all(|(_, body)| *body == json!({"code": 200})));
    let captured = std::fs::read_to_string(&capture).unwrap();
    assert_eq!(captured.lines().count(), 3);
    assert!(!captured.contains("created_v1") && !captured.contains("message.receive"));
    assert!(
        stderr(&out).contains("5 messages received, 3 shown"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn payloads_that_are_not_events_are_acknowledged_reported_and_captured() {
    let Some(python) = sdk_python() else { return };
    let encrypted = fixture("ticket-updated.encrypted.json");
    let steps = vec![
        json!({"expect": "ping"}),
        event(1, "not json at all", json!({})),
        acked(1),
        event(2, "[1,2]", json!({})),
        acked(2),
        event(3, &encrypted, json!({})),
        acked(3),
    ];
    let server = WsServer::start(&python, one_connection(steps));
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let key = root().join("testdata/key.txt");
    let out = subscribe(
        &server,
        &[
            "-o",
            "json",
            "--max-events",
            "1",
            "--encrypt-key-file",
            key.to_str().unwrap(),
            "--capture",
            capture.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0]["error"].as_str().unwrap().contains("not JSON"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[0]["parse"], Value::Null);
    assert!(lines[1]["error"].as_str().is_some(), "{}", lines[1]);
    assert_eq!(lines[2]["parse"]["encrypted"], true);
    assert_eq!(
        lines[2]["parse"]["event_type"],
        "helpdesk.ticket.updated_v1"
    );
    assert!(
        replies(&server)
            .iter()
            .all(|(_, b)| *b == json!({"code": 200}))
    );
    let err = stderr(&out);
    assert_eq!(
        err.matches("acknowledged with 200 all the same").count(),
        2,
        "{err}"
    );
    // All three are in the capture, the first replayed as received.
    let captured = std::fs::read_to_string(&capture).unwrap();
    let first: Value = serde_json::from_str(captured.lines().next().unwrap()).unwrap();
    assert_eq!(first["body"], "not json at all");
    assert_eq!(first["via"], "long_connection");
    assert_eq!(first["headers"]["message_id"], "msg-1");
    assert_eq!(captured.lines().count(), 3);
}

#[test]
fn each_capture_is_on_disk_before_its_acknowledgement() {
    let Some(python) = sdk_python() else { return };
    let payload = fixture("ticket-updated.compact.json");
    let steps = vec![
        json!({"expect": "ping"}),
        event(1, &payload, json!({"fragments": 2, "order": [1, 0]})),
        acked(1),
        json!({"sleep": 30}),
    ];
    let server = WsServer::start(&python, one_connection(steps));
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let child = spawn_subscribe(&server, &["--capture", capture.to_str().unwrap()]);
    server.wait_for("the reply", |log| {
        log.iter()
            .any(|r| r["kind"] == "frame_in" && r["method"] == 1)
    });
    // The reply has been read by the server: the record must already be there.
    let captured = std::fs::read_to_string(&capture).unwrap();
    let record: Value = serde_json::from_str(captured.lines().next().expect("a record")).unwrap();
    assert_eq!(record["body"], payload);
    assert_eq!(record["headers"]["message_id"], "msg-1");
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    let out = finish(child, std::time::Duration::from_secs(30));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stopped: 1 message received"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn control_characters_from_the_wire_never_reach_the_terminal() {
    let Some(python) = sdk_python() else { return };
    let payload = fixture("ticket-updated.compact.json")
        .replace("oc_xxxxxxx", "oc_\\u001b]52;c;SGVsbG8=\\u0007");
    let steps = vec![
        json!({"expect": "ping"}),
        event(1, &payload, json!({"trace_id": "t\u{1b}[2J\u{9b}x"})),
        acked(1),
    ];
    let server = WsServer::start(&python, one_connection(steps));
    let out = subscribe(&server, &["--max-events", "1", "--color", "never"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for bytes in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(['\u{1b}', '\u{9b}', '\u{7}']), "{text:?}");
    }
    assert!(
        stdout(&out).contains("(trace t\\u{1b}[2J\\u{9b}x)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_closed_output_pipe_ends_the_run() {
    let Some(python) = sdk_python() else { return };
    let payload = fixture("ticket-updated.compact.json");
    let mut steps = vec![json!({"expect": "ping"})];
    for n in 1..=3 {
        steps.push(event(n, &payload, json!({})));
        steps.push(acked(n));
        // The client finds the pipe closed when it next writes: the next
        // event comes after `head` has had time to go, so that it is
        // written to a closed pipe however loaded the machine is.
        steps.push(json!({"sleep": 2}));
    }
    let server = WsServer::start(&python, one_connection(steps));
    let bin = assert_cmd::cargo::cargo_bin("lark-ticket");
    let mut cmd = std::process::Command::new("bash");
    // A client that does not stop is killed (124), and pipefail says so.
    scrub(&mut cmd)
        .arg("-c")
        .arg(format!(
            "set -o pipefail; timeout 40 '{}' subscribe --domain {} -o json | head -1",
            bin.display(),
            server.http
        ))
        .env("LARK_APP_ID", common::ws_server::APP_ID)
        .env("LARK_APP_SECRET", common::ws_server::APP_SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // Without --max-events or --timeout: only the closed pipe stops it.
    let out = finish(cmd.spawn().unwrap(), std::time::Duration::from_secs(60));
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["message_id"], "msg-1");
}
