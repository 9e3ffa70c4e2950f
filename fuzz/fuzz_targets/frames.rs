//! What the long connection reads from the network: protobuf frames
//! (decoded, then taken as messages or fragments in any order), pongs'
//! ClientConfig, endpoint discovery's answer, and the WebSocket URL it
//! gives (shown redacted).

#![no_main]

use std::time::{Duration, Instant};

use lark_ticket::subscribe::config::ClientConfig;
use lark_ticket::subscribe::discovery::classify;
use lark_ticket::subscribe::fragments::{Fragments, Taken};
use lark_ticket::subscribe::frame::Frame;
use lark_ticket::subscribe::url::WsUrl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, rest)) = data.split_first() else {
        return;
    };
    match knob % 4 {
        // A series of frames, separated by 0xfe 0xfe, into one reassembler.
        0 | 1 => {
            let mut fragments = Fragments::default();
            let start = Instant::now();
            for (i, chunk) in rest.split(|&b| b == 0xfe).enumerate() {
                let Ok(frame) = Frame::decode_bytes(chunk) else {
                    continue;
                };
                let again = Frame::decode_bytes(&frame.to_bytes()).expect("re-encoded frame");
                assert_eq!(again, frame);
                let now = start + Duration::from_secs(i as u64 * u64::from(knob >> 4));
                if let Taken::Whole { payload, .. } = fragments.take(frame, now) {
                    assert!(payload.len() <= rest.len());
                }
            }
        }
        2 => {
            if let Ok(value) = serde_json::from_slice(rest) {
                let mut config = ClientConfig::default();
                config.apply(&value);
                assert!(config.ping_interval >= Duration::from_secs(1));
                let _ = config.silence_limit();
            }
            let status = u16::from(knob >> 2) * 50;
            let _ = classify(status, rest);
        }
        _ => {
            if let Ok(text) = std::str::from_utf8(rest)
                && let Ok(url) = WsUrl::parse(text)
            {
                let shown = url.to_string();
                let query = shown.split_once('?').map_or("", |(_, q)| q);
                for pair in query.split(['&', '#']) {
                    if let Some((k, v)) = pair.split_once('=')
                        && ["access_key", "ticket"]
                            .iter()
                            .any(|s| k.eq_ignore_ascii_case(s))
                    {
                        assert_eq!(v, "[redacted]", "{shown}");
                    }
                }
            }
        }
    }
});
