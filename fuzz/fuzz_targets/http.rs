//! Raw HTTP/1.1 captures: a request line, then arbitrary header lines and
//! body, through the splitter and the record layer.

#![no_main]

use std::sync::Arc;

use lark_ticket::input::{Raw, Splitter};
use lark_ticket::record::Payload;
use lark_ticket::secret::Secret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, rest)) = data.split_first() else {
        return;
    };
    let eol: &[u8] = if knob & 1 == 0 { b"\r\n" } else { b"\n" };
    // The largest bound too: `--max-record-size` may be anything.
    let max = [64, 512, 1 << 20, usize::MAX][usize::from(knob >> 1) % 4];
    let mut input = b"POST /webhook/event HTTP/1.1".to_vec();
    input.extend_from_slice(eol);
    input.extend_from_slice(rest);
    let key = Secret::new("fuzz-encrypt-key");
    let mut first = true;
    for item in Splitter::new(input.as_slice(), Arc::from("fuzz"), max) {
        match item {
            Ok(record) => {
                if first {
                    assert_eq!(record.location.line, 1);
                }
                if let Raw::Http {
                    method,
                    headers,
                    body,
                    ..
                } = &record.raw
                {
                    assert!(!method.is_empty());
                    assert!(body.len() <= input.len() && body.len() <= max);
                    for (name, _) in headers.iter() {
                        assert!(!name.is_empty() && !name.contains(char::is_whitespace));
                    }
                }
                if let Ok(payload) = Payload::from_raw(record) {
                    let _ = payload.decode(Some(&key));
                }
            }
            Err(e) => {
                if first {
                    assert_eq!(e.location.line, 1);
                }
                let echoed = String::from_utf8_lossy(rest).contains("fuzz-encrypt-key");
                assert!(echoed || !e.message.contains("fuzz-encrypt-key"));
            }
        }
        first = false;
    }
});
