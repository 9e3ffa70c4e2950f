//! The replies the scripted long-connection server received, shared by
//! `tests/subscribe.rs` and `tests/subscribe_messages.rs`.

use serde_json::Value;

use super::ws_server::{WsServer, header};

/// The replies the server received, by message_id.
pub fn replies(server: &WsServer) -> Vec<(String, Value)> {
    server
        .frames_in()
        .iter()
        .filter(|f| f["method"] == 1)
        .map(|f| {
            let payload = f["payload"].as_str().expect("a UTF-8 reply");
            (
                header(f, "message_id").unwrap_or("").to_string(),
                serde_json::from_str(payload).expect("a JSON reply"),
            )
        })
        .collect()
}
