//! verify's checks and the diagnosis of signature mismatches, with headers
//! and body from the input and signatures made by known signer mistakes:
//! never panics, a correct signature passes, and a known mistake is named.

#![no_main]

use std::sync::Arc;

use jiff::tz::TimeZone;
use lark_ticket::crypto;
use lark_ticket::event::{Event, Lang};
use lark_ticket::input::Location;
use lark_ticket::render::Style;
use lark_ticket::render::verify as report;
use lark_ticket::secret::Secret;
use lark_ticket::verify::{self, Clock, Content, Request, Secrets, Status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, rest)) = data.split_first() else {
        return;
    };
    // timestamp \n nonce \n received signature \n body
    let mut parts = rest.splitn(4, |&b| b == b'\n');
    let timestamp = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let nonce = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let given = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let body = parts.next().unwrap_or_default();

    let key = Secret::new("fuzz-encrypt-key");
    let token = Secret::new("fuzz-verification-token");
    let with_token = knob & 8 == 0;
    let value = serde_json::from_slice::<serde_json::Value>(body).ok();
    let plaintext = value
        .as_ref()
        .and_then(|v| v.get("encrypt")?.as_str().map(str::to_string))
        .and_then(|e| crypto::decrypt(&key, &e).ok());
    let event = Event::from_slice(plaintext.as_ref().map_or(body, |p| p.as_bytes())).ok();
    let content = match &event {
        Some(event) => Content::Event {
            event,
            plaintext: plaintext.as_ref().map(|p| p.as_bytes()),
        },
        None => Content::NotAnEvent,
    };

    // The received signature: as given, or made by a known mistake.
    let mistake = knob & 7;
    let received = match mistake {
        0 => given,
        1 => crypto::signature(&timestamp, &nonce, &key, body),
        2 => crypto::signature(&timestamp, &nonce, &key, &[body, b"\n"].concat()),
        3 => crypto::signature(&timestamp, &nonce, &key, body).to_ascii_uppercase(),
        4 => crypto::signature(&timestamp, &nonce, &token, body),
        5 => crypto::signature(&nonce, &timestamp, &key, body),
        6 => match body.strip_suffix(b"\n") {
            Some(signed) => crypto::signature(&timestamp, &nonce, &key, signed),
            None => given,
        },
        _ => crypto::signature(
            &timestamp,
            &nonce,
            &Secret::new(format!("{}\n", key.expose())),
            body,
        ),
    };
    let request = Request {
        timestamp: Some(&timestamp),
        nonce: Some(&nonce),
        signature: Some(&received),
        body,
        value: value.as_ref(),
        // Now and then as a long-connection delivery, which is never signed.
        transport: if body.len() % 7 == 0 {
            lark_ticket::record::Transport::LongConnection
        } else {
            lark_ticket::record::Transport::Http
        },
    };
    let secrets = Secrets {
        key: Some(&key),
        token: with_token.then_some(&token),
    };
    // `--now` and `--max-age` may be anything, the extremes included.
    let clock = Clock {
        now: [1_700_000_000, i64::MAX, i64::MIN, 0][usize::from(knob >> 5) & 3],
        max_age: (knob & 16 != 0).then_some(if knob & 128 == 0 { 300 } else { u64::MAX }),
    };
    let style = Style::new(false, Lang::En, TimeZone::UTC);
    let verdict = verify::verify(&request, &content, secrets, clock).expect("a key is given");
    let signature = verdict.check("signature").expect("a signature check");
    let known = match mistake {
        0 => false,
        4 => with_token,
        5 => timestamp != nonce,
        6 => body.ends_with(b"\n"),
        _ => true,
    };
    if signature.status == Status::Fail && mistake != 1 && known {
        let diagnosis = verdict.diagnosis.as_ref().expect("a diagnosis");
        assert!(
            diagnosis.cause.is_some(),
            "mistake {mistake} not diagnosed: {}",
            diagnosis.message
        );
    }
    if mistake == 1 {
        assert_ne!(signature.status, Status::Fail, "a correct signature failed");
    }
    let location = Location::new(Arc::from("fuzz"), 1);
    let report = report::json(&location, &verdict).to_string();
    let mut table = Vec::new();
    report::table(&mut table, &style, Some(80), &location, &verdict).expect("table");
    let echoed = |s: &[u8]| String::from_utf8_lossy(s).contains("fuzz-");
    for text in [report.as_str(), &String::from_utf8_lossy(&table)] {
        assert!(
            echoed(rest)
                || (!text.contains("fuzz-encrypt-key")
                    && !text.contains("fuzz-verification-token"))
        );
    }

    // verify's input layer over the same bytes.
    for payload in verify::request::payloads(Arc::from("fuzz"), rest.to_vec(), 1 << 16) {
        let _ = payload;
    }
});
