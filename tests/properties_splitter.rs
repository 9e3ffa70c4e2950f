//! Properties of the splitter over generated inputs: good records among
//! bad ones each come out once, in order, at their line, and what it finds
//! never depends on how the input arrives.

mod common;

use std::sync::Arc;

use common::properties::{Item, Trickle, item};
use lark_ticket::input::{Raw, Splitter};
use proptest::prelude::*;

proptest! {
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
