//! `subscribe` shows, acknowledges and captures what arrives over the long
//! connection: the real client against the scripted server built from the
//! official SDK's frame definitions (`tests/peers/lark_ws_server.py`),
//! playing the demo (`testdata/subscribe-demo.scenario.json`), whose
//! capture replays. Message by message (filters, payloads that are not
//! events, the capture before the acknowledgement, control characters, a
//! closed pipe) is in `subscribe_messages.rs`. The connection itself
//! (pings, pongs, reconnects, fatal answers, TLS) is tested in
//! `subscribe_connection.rs`, `subscribe_reconnect.rs` and
//! `subscribe_failures.rs`.

mod common;

use std::path::Path;

use common::subscribe::replies;
use common::ws_server::{WsServer, subscribe};
use common::*;
use serde_json::{Value, json};

fn demo() -> Value {
    let text = std::fs::read_to_string(root().join("testdata/subscribe-demo.scenario.json"))
        .expect("the demo scenario");
    serde_json::from_str(&text).expect("JSON")
}

fn run(args: &[&str], file: &Path) -> std::process::Output {
    command().args(args).arg(file).output().expect("runs")
}

#[test]
fn the_demo_is_shown_acknowledged_and_captured_and_its_capture_replays() {
    let Some(python) = sdk_python() else { return };
    let server = WsServer::start(&python, demo());
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("live.ndjson");
    let out = subscribe(
        &server,
        &[
            "-o",
            "json",
            "--max-events",
            "4",
            "--capture",
            capture.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = json_lines(&out);
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["msg-1", "msg-2", "msg-3", "msg-4"]);
    let dup: Vec<bool> = lines
        .iter()
        .map(|l| l["duplicate"].as_bool().unwrap())
        .collect();
    assert_eq!(dup, [false, false, true, false]);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["trace_id"], format!("trace-{}", i + 1));
        assert_eq!(line["status"], 200);
        assert_eq!(line["error"], Value::Null);
        assert!(line["received_at"].as_i64().unwrap() > 1_700_000_000_000);
        assert_eq!(line["source"], format!("{}:{}", capture.display(), i + 1));
    }
    // `parse` in each line is exactly what parse -o json prints for the capture.
    let parsed = json_lines(&run(&["parse", "-o", "json"], &capture));
    let shown: Vec<&Value> = lines.iter().map(|l| &l["parse"]).collect();
    assert_eq!(shown, parsed.iter().collect::<Vec<_>>());
    assert_eq!(
        parsed[3]["transitions"][0]["to"]["label"],
        "closed by agent"
    );
    // Every message answered {"code":200}, once.
    let acks = replies(&server);
    assert_eq!(acks.len(), 4, "{acks:?}");
    assert!(acks.iter().all(|(_, body)| *body == json!({"code": 200})));
    let err = stderr(&out);
    assert!(err.contains("lark-ticket: ready: connected to"), "{err}");
    assert!(
        err.contains("stopped: 4 messages received, 4 shown, 1 duplicate, 1 reconnect"),
        "{err}"
    );
    assert!(err.contains("splits an app's events among all its long connections"));

    // The capture replays: a timeline with the redelivery dropped,
    let timeline = run(&["diff", "--timeline", "--color", "never"], &capture);
    assert_eq!(code(&timeline), 0, "{}", stderr(&timeline));
    let text = stdout(&timeline);
    assert!(
        text.contains("ticket 7101: 3 events, 1 duplicate dropped"),
        "{text}"
    );
    assert!(text.contains("closed by agent (51)"));
    // the transitions,
    let diff = json_lines(&run(&["diff", "-o", "json"], &capture));
    assert!(
        diff.iter()
            .any(|r| r["field"] == "stage" && r["changed"] == true)
    );
    // and verify, which knows these deliveries are not signed.
    let verify = run(&["verify", "-o", "json"], &capture);
    assert_eq!(code(&verify), 0, "{}", stderr(&verify));
    for v in json_lines(&verify) {
        let status = |name: &str| {
            v["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .map(|c| c["status"].clone())
        };
        assert_eq!(status("signature"), Some(json!("skip")), "{v}");
        assert_eq!(status("timestamp"), Some(json!("skip")), "{v}");
        assert_eq!(v["ok"], true);
    }
    // Even with a verification token: the demo's tokens are empty.
    let verify = command()
        .args(["verify", "--verification-token", "t0k3n"])
        .arg(&capture)
        .output()
        .unwrap();
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
}

#[test]
fn the_table_shows_the_ticket_its_transitions_and_redeliveries() {
    let Some(python) = sdk_python() else { return };
    let server = WsServer::start(&python, demo());
    let out = subscribe(&server, &["--max-events", "4", "--color", "never", "--utc"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("message msg-1 (trace trace-1)  ->  200 {\"code\":200}"),
        "{text}"
    );
    assert!(text.contains("old_object → object"));
    assert!(
        text.contains("│ stage               ┆ bot (1)     ┆ human (2)"),
        "{text}"
    );
    assert_eq!(
        text.matches("(duplicate: this event_id was already received")
            .count(),
        1
    );
    let server = WsServer::start(&python, demo());
    let zh = subscribe(&server, &["--max-events", "4", "--lang", "zh"]);
    assert!(stdout(&zh).contains("重复推送"), "{}", stdout(&zh));
}
