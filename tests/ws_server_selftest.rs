//! The scripted long-connection server that `subscribe` is tested against
//! (`tests/peers/lark_ws_server.py`) speaks the protocol: its self-test
//! plays it against the official Python SDK's own client, and the Rust
//! handle (`common::ws_server`) drives it over TLS with that client too.
//!
//! Skipped with a message when the SDK is not installed, and failing instead
//! in CI (`common::oracles_required`); `.ci/run` installs it.

mod common;

use std::process::{Child, Command, Stdio};

use common::ws_server::{WsServer, header};
use common::*;
use serde_json::json;

#[test]
fn the_scripted_server_speaks_the_protocol_to_the_official_sdk_client() {
    let Some(python) = sdk_python() else { return };
    let out = Command::new(&python)
        .arg(root().join("tests/peers/lark_ws_server_selftest.py"))
        .current_dir(root())
        .output()
        .expect("the self-test runs");
    assert!(
        out.status.success(),
        "the self-test failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The SDK's client, pointed at `argv[1]`; it exits when its stdin closes.
const SDK_CLIENT: &str = r#"
import os, sys, threading, lark_oapi as lark
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
handler = (lark.EventDispatcherHandler.builder("", "")
    .register_p2_customized_event("helpdesk.ticket.updated_v1", lambda e: None).build())
lark.ws.Client("cli_handle", "handle-secret", domain=sys.argv[1], event_handler=handler).start()
"#;

/// A child process killed when dropped, a failed assertion included.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_rust_handle_runs_a_tls_scenario() {
    let Some(python) = sdk_python() else { return };
    let event = json!({"schema": "2.0", "header": {"event_id": "ev-h",
        "event_type": "helpdesk.ticket.updated_v1"}, "event": {}});
    let server = WsServer::start_tls(
        &python,
        json!({"service_id": 99, "connections": [{"steps": [
            {"expect": "ping"},
            {"event": {"payload": event, "message_id": "h1", "fragments": 2}},
            {"expect": "reply", "message_id": "h1"},
        ]}]}),
    );
    assert!(
        server.http.starts_with("https://127.0.0.1:"),
        "{}",
        server.http
    );
    assert!(server.ws.starts_with("wss://127.0.0.1:"), "{}", server.ws);
    let mut client = Command::new(&python);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().to_lowercase().contains("proxy") {
            client.env_remove(name);
        }
    }
    let client = Killed(
        client
            .args(["-c", SDK_CLIENT, &server.http])
            .env("SSL_CERT_FILE", server.ca_file())
            .env("REQUESTS_CA_BUNDLE", server.ca_file())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the SDK client starts"),
    );
    let log = server.wait_for("the reply to h1", |log| {
        log.iter()
            .any(|r| r["kind"] == "frame_in" && header(r, "message_id") == Some("h1"))
    });
    drop(client);

    let discovery = &server.records("discovery")[0];
    assert_eq!(
        discovery["body"],
        json!({"AppID": "cli_handle", "AppSecret": "handle-secret"})
    );
    let connect = log
        .iter()
        .find(|r| r["kind"] == "connect")
        .expect("connect");
    assert_eq!(connect["query"]["access_key"], "AKSECRET-1");
    let frames = server.frames_in();
    let ping = &frames[0];
    assert_eq!(
        (ping["method"].as_u64(), ping["service"].as_u64()),
        (Some(0), Some(99))
    );
    assert_eq!(header(ping, "type"), Some("ping"));
    let reply = frames.last().expect("a reply");
    assert_eq!(header(reply, "seq"), Some("1"), "the completing fragment");
    assert!(header(reply, "biz_rt").is_some(), "{reply}");
    let payload: serde_json::Value =
        serde_json::from_str(reply["payload"].as_str().expect("text")).expect("JSON");
    assert_eq!(payload, json!({"code": 200}));
}
