//! The helpers shared by `tests/subscribe_connection.rs`,
//! `tests/subscribe_reconnect.rs` and `tests/subscribe_failures.rs`: the
//! Python that runs the scripted long-connection server, small
//! ClientConfig values, a ticket event and a connection that delivers it,
//! the replies the client sent, and a run that must succeed.

use serde_json::{Value, json};

use super::ws_server::{WsServer, header};
use super::{code, read, sdk_python, stderr, stdout};

/// [`sdk_python`], asked once per test binary: importing the SDK takes
/// seconds.
pub fn python() -> Option<std::path::PathBuf> {
    static PYTHON: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    PYTHON.get_or_init(sdk_python).clone()
}

/// A distinctive service_id: every ping must carry it.
pub const SERVICE: i64 = 424242;

/// Small ClientConfig values, so that runs are short.
pub fn quick() -> Value {
    json!({"PingInterval": 1, "ReconnectInterval": 1, "ReconnectNonce": 0, "ReconnectCount": -1})
}

/// A helpdesk ticket event with this event_id, as a JSON payload.
pub fn ticket(event_id: &str) -> Value {
    let mut event: Value = serde_json::from_slice(&read("ticket-updated.json")).expect("JSON");
    event["header"]["event_id"] = json!(event_id);
    event
}

/// The steps of a connection that waits for the first ping, sends the
/// event `m` (message_id `m`) and waits for its reply.
pub fn deliver(m: &str) -> Vec<Value> {
    vec![
        json!({"expect": "ping"}),
        json!({"event": {"payload": ticket(&format!("ev-{m}")), "message_id": m}}),
        json!({"expect": "reply", "message_id": m}),
    ]
}

/// The data frames the client sent (its replies).
pub fn replies(server: &WsServer) -> Vec<Value> {
    let mut frames = server.frames_in();
    frames.retain(|f| f["method"] == 1);
    frames
}

/// The data frames the client sent for message `m`.
pub fn replies_to(server: &WsServer, m: &str) -> Vec<Value> {
    let mut frames = replies(server);
    frames.retain(|f| header(f, "message_id") == Some(m));
    frames
}

pub fn ok(out: &std::process::Output) -> String {
    let err = stderr(out);
    assert_eq!(code(out), 0, "stdout:\n{}\nstderr:\n{err}", stdout(out));
    err
}
