//! A message of the long connection as a capture record: the exact payload
//! as `body` (`body_base64` when it is not UTF-8), the frame's headers,
//! `received_at` and `"via":"long_connection"`. The other subcommands
//! replay it as they replay `listen`'s records; `verify` knows from `via`
//! that the delivery was never signed.

use base64::Engine;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Message;
use crate::input::{Location, Raw, RawRecord, RecordError};
use crate::listen::capture::headers;
use crate::record::{Payload, VIA_LONG_CONNECTION};

pub struct CaptureRecord<'a>(pub &'a Message);

impl Serialize for CaptureRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let mut record = serializer.serialize_map(Some(4))?;
        record.serialize_entry("headers", &headers(&m.headers))?;
        match std::str::from_utf8(&m.payload) {
            Ok(text) => record.serialize_entry("body", text)?,
            Err(_) => record.serialize_entry(
                "body_base64",
                &base64::engine::general_purpose::STANDARD.encode(&m.payload),
            )?,
        }
        record.serialize_entry("received_at", &m.received_at)?;
        record.serialize_entry("via", VIA_LONG_CONNECTION)?;
        record.end()
    }
}

/// The record's line (without its newline) and the payload it replays as,
/// read back from that very line, so a live message and its replay are one.
pub fn record(message: &Message, location: Location) -> (Vec<u8>, Result<Payload, RecordError>) {
    let line = match serde_json::to_vec(&CaptureRecord(message)) {
        Ok(line) => line,
        Err(e) => {
            let e = RecordError::new(location, format!("cannot write a capture record: {e}"));
            return (Vec::new(), Err(e));
        }
    };
    let payload = match Raw::document(line.clone()) {
        Ok(raw) => Payload::from_raw(RawRecord { location, raw }),
        Err(e) => Err(RecordError::new(location, format!("capture record: {e}"))),
    };
    (line, payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Origin, Transport};
    use std::sync::Arc;

    fn message(payload: &[u8]) -> Message {
        Message {
            received_at: 1_700_000_000_123,
            message_id: "m1".into(),
            trace_id: Some("t1".into()),
            kind: "event".into(),
            headers: vec![
                ("type".into(), "event".into()),
                ("message_id".into(), "m1".into()),
                ("sum".into(), "2".into()),
                ("x".into(), "1".into()),
                ("x".into(), "2".into()),
            ],
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn records_say_how_they_came_and_replay_the_exact_payload() {
        let body = b"{\"schema\":\"2.0\",\"header\":{\"event_id\":\"e\"}}";
        let (line, payload) = record(&message(body), Location::new(Arc::from("c"), 3));
        let text = String::from_utf8(line).unwrap();
        assert!(text.starts_with("{\"headers\":{\"type\":\"event\",\"message_id\":\"m1\""));
        assert!(text.contains("\"x\":[\"1\",\"2\"]"));
        assert!(text.ends_with("\"received_at\":1700000000123,\"via\":\"long_connection\"}"));
        let payload = payload.unwrap();
        assert_eq!(payload.body[..], body[..]);
        assert_eq!(payload.origin, Origin::CaptureRecord);
        assert_eq!(payload.transport, Transport::LongConnection);
        assert_eq!(payload.headers.get("Message_Id"), Some("m1"));
    }

    #[test]
    fn a_payload_that_is_not_json_is_still_a_record() {
        let (line, payload) = record(&message(b"\xffnot json"), Location::new(Arc::from("c"), 1));
        let text = String::from_utf8(line).unwrap();
        assert!(text.contains("\"body_base64\":\"/25vdCBqc29u\""));
        assert!(payload.is_err());
    }
}
