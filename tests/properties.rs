//! Properties over generated inputs.

use std::sync::Arc;

use lark_ticket::crypto;
use lark_ticket::event::{Detail, Event, Plain, Settled, settle};
use lark_ticket::input::{Raw, RawRecord, Splitter};
use lark_ticket::record::{Origin, Payload, Probe};
use lark_ticket::secret::Secret;
use lark_ticket::verify::{self, Clock, Content, Request, Secrets, Status, sign};
use proptest::prelude::*;

proptest! {
    /// Encrypt then decrypt returns the plaintext, for any key and any bytes.
    #[test]
    fn encrypt_decrypt_round_trip(key in "\\PC{1,64}", plaintext in proptest::collection::vec(any::<u8>(), 0..2048), iv in any::<[u8; 16]>()) {
        let key = Secret::new(key);
        let encrypted = crypto::encrypt(&key, &plaintext, Some(iv)).unwrap();
        let raw = crypto::decode_base64(&encrypted).unwrap();
        prop_assert_eq!(raw.len() % 16, 0);
        prop_assert_eq!(crypto::decrypt_raw(&key, raw).unwrap(), plaintext);
    }

    /// The fast base64 path accepts exactly what the `base64` crate's
    /// strict decoder accepts, with the same bytes: valid encodings, and
    /// the same with one character replaced, inserted or removed (bad
    /// padding, trailing bits, stray characters, wrong lengths).
    #[test]
    fn base64_fast_path_agrees_with_the_base64_crate(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        edit in 0u8..4,
        at in any::<prop::sample::Index>(),
        with in prop::sample::select(b"AQgw+/=9z_- \n\r.\x00".to_vec()),
    ) {
        use base64::Engine as _;
        let mut text = base64::engine::general_purpose::STANDARD.encode(&bytes).into_bytes();
        if !text.is_empty() {
            let i = at.index(text.len());
            match edit {
                0 => text[i] = with,
                1 => text.insert(i, with),
                2 => { text.remove(i); }
                _ => {}
            }
        }
        let text = String::from_utf8(text).unwrap();
        let ours = crypto::decode_base64(&text).ok();
        let theirs = base64::engine::general_purpose::STANDARD.decode(&text).ok();
        prop_assert_eq!(ours, theirs, "{:?}", text);
    }

    /// Any stream of valid records with bad ones interleaved yields every
    /// valid record exactly once, in order, and reports each bad one.
    #[test]
    fn bad_records_never_swallow_good_ones(
        items in proptest::collection::vec((any::<bool>(), 0usize..8, 0u32..1000, any::<bool>()), 1..60)
    ) {
        const BAD: [&str; 8] = [
            "{\"a\": tru}",
            "{\"unterminated\": \"x",
            "{\"open\": [1, 2",
            "garbage text",
            "42",
            "{\"a\":1,}",
            "\"just a string\"",
            "{\"deep\": {\"er\": [",
        ];
        let mut input = String::new();
        let mut good = Vec::new();
        let mut bad_lines = 0;
        for (line, (is_good, shape, n, pretty)) in items.iter().enumerate() {
            if *is_good {
                let record = if *pretty {
                    format!("{{\n  \"n\": {n},\n  \"line\": {line}\n}}")
                } else {
                    format!("{{\"n\":{n},\"line\":{line}}}")
                };
                good.push(serde_json::from_str::<serde_json::Value>(&record).unwrap());
                input.push_str(&record);
            } else {
                bad_lines += 1;
                input.push_str(BAD[*shape]);
            }
            input.push('\n');
        }
        let mut seen = Vec::new();
        let mut errors = 0;
        for item in Splitter::new(input.as_bytes(), Arc::from("t"), 1 << 20) {
            match item {
                Ok(record) => match record.raw {
                    Raw::Json { bytes, .. } => seen.push(serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()),
                    other => prop_assert!(false, "not a checked JSON record: {other:?}"),
                },
                Err(_) => errors += 1,
            }
        }
        prop_assert_eq!(seen, good);
        prop_assert!(errors >= 1 || bad_lines == 0);
        prop_assert!(errors <= bad_lines);
    }
}

fn verify_signature(
    key: &Secret,
    timestamp: &str,
    nonce: &str,
    signature: &str,
    body: &[u8],
) -> Status {
    let value = serde_json::from_slice::<serde_json::Value>(body).ok();
    let request = Request {
        timestamp: Some(timestamp),
        nonce: Some(nonce),
        signature: Some(signature),
        body,
        value: value.as_ref(),
        transport: lark_ticket::record::Transport::Http,
    };
    let secrets = Secrets {
        key: Some(key),
        token: None,
    };
    let clock = Clock {
        now: 0,
        max_age: None,
    };
    let verdict = verify::verify(&request, &Content::NotAnEvent, secrets, clock).expect("a key");
    verdict
        .check("signature")
        .expect("a signature check")
        .status
}

/// A JSON value with the characters that matter to a scanner in its
/// strings and keys (quotes, backslashes, brackets, newlines: escaped when
/// serialized, as in any valid record).
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let text = "[a-z{}\\[\\]\"\\\\\n\r\t \u{e9}\u{4e2d}\u{1f600}]{0,8}";
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text.prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 24, 5, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(text, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A record: a JSON object, written compact or pretty.
fn record() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::btree_map("[a-z\"{]{1,6}", json_value(), 0..5),
        any::<bool>(),
    )
        .prop_map(|(map, pretty)| {
            let value = serde_json::Value::Object(map.into_iter().collect());
            if pretty {
                serde_json::to_vec_pretty(&value).expect("serializes")
            } else {
                serde_json::to_vec(&value).expect("serializes")
            }
        })
}

#[derive(Debug, Clone)]
enum Item {
    Good(Vec<u8>),
    /// A record cut short anywhere (so never valid, and never closing what
    /// it opened), or a line of garbage with no brackets or quotes.
    Bad(Vec<u8>),
}

fn item() -> impl Strategy<Value = Item> {
    let garbage = (
        proptest::sample::select(b"abcxyz0123456789".to_vec()),
        proptest::collection::vec(
            any::<u8>().prop_filter("no structure", |b| !b"{}[]\"\n".contains(b)),
            0..30,
        ),
    )
        .prop_map(|(first, rest)| [vec![first], rest].concat());
    prop_oneof![
        3 => record().prop_map(Item::Good),
        1 => (record(), any::<proptest::sample::Index>()).prop_map(|(r, cut)| {
            let len = 1 + cut.index(r.len() - 1);
            Item::Bad(r[..len].to_vec())
        }),
        1 => garbage.prop_map(Item::Bad),
    ]
}

/// Hands out the input `step` bytes per read.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

proptest! {
    /// `sign` then `verify` passes, with or without --encrypt; changing any
    /// one byte of the body makes the signature fail.
    #[test]
    fn sign_then_verify_passes_and_any_changed_byte_fails(
        key in "\\PC{1,40}",
        body in proptest::collection::vec(any::<u8>(), 0..400),
        timestamp in "[0-9]{1,12}",
        nonce in "[0-9a-zA-Z]{0,20}",
        encrypt in proptest::option::of(any::<[u8; 16]>()),
        at in any::<proptest::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let key = Secret::new(key);
        let signed = sign::sign(&key, &body, &timestamp, &nonce, encrypt.map(Some)).unwrap();
        let signature = &signed.headers[2].1;
        prop_assert_eq!(verify_signature(&key, &timestamp, &nonce, signature, &signed.body), Status::Pass);
        if !signed.body.is_empty() {
            let mut changed = signed.body.clone();
            let i = at.index(changed.len());
            changed[i] = changed[i].wrapping_add(delta);
            prop_assert_eq!(verify_signature(&key, &timestamp, &nonce, signature, &changed), Status::Fail);
        }
    }

    /// Any stream of valid records, compact or pretty, with arbitrary bad
    /// ones between them (records cut short anywhere, garbage lines), yields
    /// every valid record exactly once, byte for byte, in order, at its line;
    /// errors are reported only where a bad one starts.
    #[test]
    fn arbitrary_bad_records_never_swallow_good_ones(items in proptest::collection::vec(item(), 1..40)) {
        let mut input = Vec::new();
        let mut line = 1u64;
        let mut good = Vec::new();
        let mut bad_lines = Vec::new();
        for item in &items {
            let bytes = match item {
                Item::Good(bytes) => {
                    good.push((line, bytes.clone()));
                    bytes
                }
                Item::Bad(bytes) => {
                    bad_lines.push(line);
                    bytes
                }
            };
            input.extend_from_slice(bytes);
            input.push(b'\n');
            line += 1 + bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        }
        let mut seen = Vec::new();
        for item in Splitter::new(input.as_slice(), Arc::from("t"), 1 << 20) {
            match item {
                Ok(record) => match record.raw {
                    Raw::Json { bytes, .. } => seen.push((record.location.line, bytes)),
                    other => prop_assert!(false, "not a checked JSON record: {other:?}"),
                },
                Err(e) => prop_assert!(bad_lines.contains(&e.location.line), "error at {}: {}", e.location.line, e.message),
            }
        }
        prop_assert_eq!(seen, good);
    }

    /// What the splitter finds never depends on how the input arrives.
    #[test]
    fn records_do_not_depend_on_how_the_input_is_read(
        input in proptest::collection::vec(proptest::sample::select(b"{}[]\"\\\n\r :,1aPOST/HTP.Cntl-gh".to_vec()), 0..1500),
        step in 1usize..64,
        max in prop_oneof![Just(16usize), Just(100), Just(1 << 20)],
    ) {
        let items = |reader: Trickle<'_>| -> Vec<String> {
            Splitter::new(reader, Arc::from("t"), max)
                .map(|item| match item {
                    Ok(r) => format!("{}: {:?}", r.location, r.raw),
                    Err(e) => format!("{}: {}", e.location, e.message),
                })
                .collect()
        };
        let whole = items(Trickle { data: &input, step: usize::MAX });
        prop_assert_eq!(items(Trickle { data: &input, step }), whole);
    }
}

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
