//! Properties over generated inputs: reading records the quick way agrees
//! with the general way. One-line records checked on the workers, a record
//! settled in one parse, and a bare encrypted wrapper read without a parse.

mod common;

use std::sync::Arc;

use common::properties::{Item, Trickle, item, record};
use lark_ticket::event::{Detail, Event, Plain, Settled, settle};
use lark_ticket::input::{RawRecord, Splitter};
use lark_ticket::record::{Origin, Payload, Probe};
use proptest::prelude::*;

/// One line of NDJSON as captures have them, good or bad in every way the
/// splitter tells apart: records valid or broken after their end was
/// found (a byte changed), bad UTF-8, nesting past the limit, records cut
/// short, pretty records, HTTP captures and garbage.
fn ndjson_line() -> impl Strategy<Value = Vec<u8>> {
    let changed = (
        record(),
        any::<proptest::sample::Index>(),
        proptest::sample::select(b"{}[]\",:x \\\xff\xc3\n".to_vec()),
    )
        .prop_map(|(mut r, at, b)| {
            let i = at.index(r.len());
            r[i] = b;
            r
        });
    let fixed = proptest::sample::select(vec![
        b"{\"a\": tru}".to_vec(),
        b"{\"a\":1,}".to_vec(),
        b"{\"s\":\"\xff\"}".to_vec(),
        b"{\"s\":\"\xe4\xb8\"}".to_vec(),
        b"{\"n\":1e400}".to_vec(),
        b"{\"u\":\"\\ud800\"}".to_vec(),
        b"[1,2]".to_vec(),
        b"[\n{\"a\":1},\nx]".to_vec(),
        b"[\n[1],\n2]".to_vec(),
        b"{\"a\":\"x\n{\"b\":1}\"}".to_vec(),
        b"{\"encrypt\":5}".to_vec(),
        b"{\"headers\":{},\"body\":\"{}\"}".to_vec(),
        format!("{}{}", "[".repeat(128), "]".repeat(128)).into_bytes(),
        format!("{}{}", "[".repeat(127), "]".repeat(127)).into_bytes(),
        b"POST /e HTTP/1.1\nContent-Length: 2\n\n{}".to_vec(),
        b"  {\"indented\":1}".to_vec(),
        b"garbage".to_vec(),
        Vec::new(),
    ]);
    prop_oneof![
        3 => record(),
        3 => changed,
        2 => fixed,
        1 => item().prop_map(|i| match i {
            Item::Good(b) | Item::Bad(b) => b,
        }),
    ]
}

/// Every item of a stream: where, and the record or the error's message.
fn stream(input: &[u8], max: usize, step: usize, deferring: bool) -> Vec<String> {
    let splitter = Splitter::new(Trickle { data: input, step }, Arc::from("t"), max);
    let splitter = if deferring {
        splitter.deferring()
    } else {
        splitter
    };
    splitter
        .map(|item| match item.and_then(RawRecord::checked) {
            Ok(r) => format!("{}: {:?}", r.location, r.raw),
            Err(e) => format!("{}: {}", e.location, e.message),
        })
        .collect()
}

proptest! {
    /// Handing one-line records on unchecked (as the record stream does)
    /// and checking them on the worker gives exactly the stream of a
    /// splitter that checks every record itself: the same records and
    /// errors, with the same messages, at the same lines, however the
    /// input is read.
    #[test]
    fn deferred_checks_change_nothing(
        lines in proptest::collection::vec(
            (ndjson_line(), proptest::sample::select(vec!["\n", "\r\n", "\n\n", "\n  ", "\n\r", " ", ""])),
            1..30,
        ),
        step in prop_oneof![Just(usize::MAX), 1usize..64],
        max in prop_oneof![Just(16usize), Just(100), Just(1 << 20)],
    ) {
        let input: Vec<u8> = lines
            .iter()
            .flat_map(|(line, sep)| line.iter().chain(sep.as_bytes()).copied())
            .collect();
        let checked = stream(&input, max, usize::MAX, false);
        prop_assert_eq!(stream(&input, max, step, true), checked, "{:?}", String::from_utf8_lossy(&input));
    }
}

/// The lines of the fixtures: real events, plain and encrypted, capture
/// records and bad records; and events that also have the keys of a
/// wrapper.
fn fixture_lines() -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = [
        "ticket-updated.compact.json",
        "stream.plain.ndjson",
        "stream.ndjson",
        "diff-updates.ndjson",
        "captures.ndjson",
        "bad-records.ndjson",
    ]
    .iter()
    .flat_map(|name| {
        let text = std::fs::read(format!("testdata/{name}")).expect("fixture");
        text.split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(<[u8]>::to_vec)
            .collect::<Vec<_>>()
    })
    .collect();
    let event = r#"{"schema":"2.0","header":{"event_type":"helpdesk.ticket.updated_v1"},"event":{"object":{"status":50},"old_object":{"status":1}}}"#;
    for extra in [
        r#","encrypt":"AAAA""#,
        r#","encrypt":null"#,
        r#","headers":{},"body":"{}""#,
        r#","headers":{},"body_base64":"e30=""#,
        r#","headers":"x","body":"{}""#,
        r#","body":"{}""#,
        r#","headers":{}"#,
        "",
    ] {
        lines.push(format!("{}{extra}}}", &event[..event.len() - 1]).into_bytes());
    }
    lines
}

/// A fixture line, or one with a byte changed.
fn fixture_line() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::sample::select(fixture_lines()),
        proptest::option::of((
            any::<proptest::sample::Index>(),
            proptest::sample::select(b"{}[]\",:x0 \\\xff\n".to_vec()),
        )),
    )
        .prop_map(|(mut line, change)| {
            if let Some((at, b)) = change {
                let i = at.index(line.len());
                line[i] = b;
            }
            line
        })
}

proptest! {
    /// Settling a record from the stream in one parse (what `diff` and
    /// `parse` do) gives what the general way gives: the same event from
    /// the same plain record, or else the same payload or error.
    #[test]
    fn settling_a_record_agrees_with_the_general_way(
        lines in proptest::collection::vec(
            (prop_oneof![3 => fixture_line(), 1 => ndjson_line()], proptest::sample::select(vec!["\n", "\r\n", "\n\n", "\n  ", ""])),
            1..8,
        ),
        full in any::<bool>(),
    ) {
        let detail = if full { Detail::Full } else { Detail::State };
        let input: Vec<u8> = lines
            .iter()
            .flat_map(|(line, sep)| line.iter().chain(sep.as_bytes()).copied())
            .collect();
        let splitter = || Splitter::new(input.as_slice(), Arc::from("t"), 1 << 20).deferring();
        for (item, same) in splitter().zip(splitter()) {
            let general = same.and_then(Payload::from_raw);
            match settle(item, detail) {
                Settled::Event(location, event) => {
                    let payload = general.expect("a settled event is a good record");
                    prop_assert_eq!(&payload.location, &location);
                    prop_assert!(payload.encrypted_field().is_none());
                    prop_assert_eq!(payload.origin, Origin::Document);
                    prop_assert_eq!(Event::from_slice_with(&payload.body, detail).ok(), Some(*event));
                }
                Settled::Payload(payload) => {
                    prop_assert_eq!(format!("{payload:?}"), format!("{general:?}"));
                }
            }
        }
    }
}

proptest! {
    /// An encrypted wrapper read without a parse (the platform's exact
    /// `{"encrypt":"..."}`) reads as the probe reads it, whatever the
    /// string holds: escapes, quotes, control characters, bad UTF-8.
    #[test]
    fn a_bare_wrapper_reads_as_the_probe_reads_it(
        inner in proptest::collection::vec(
            prop_oneof![
                4 => proptest::sample::select(b"AZaz09+/=".to_vec()),
                1 => proptest::sample::select(b"\"\\\n\t\x1f\x7f\x80\xc3\xa9 u{}".to_vec()),
            ],
            0..40,
        ),
    ) {
        let bytes = [br#"{"encrypt":""#.as_slice(), &inner, br#""}"#].concat();
        let probe = Probe::of(&bytes);
        let shown = |p: &Result<_, serde_json::Error>| format!("{:?}", p.as_ref().map_err(ToString::to_string));
        prop_assert_eq!(shown(&Probe::of_line(&bytes)), shown(&probe));
        match Event::from_plain(&bytes, Detail::State) {
            Some(Plain::Wrapper(found)) => {
                prop_assert_eq!(format!("{:?}", Ok::<_, ()>(Ok::<_, ()>(found))), format!("{:?}", probe.map_err(|_| ())));
            }
            other => prop_assert!(probe.is_err(), "{other:?} for a probe of {probe:?}"),
        }
    }
}
