//! The record stream splitter over arbitrary bytes: never panics, yields
//! records in order, only valid JSON as JSON records, and the same records
//! however the input is cut into reads; and deferring the checks of
//! one-line records to their consumer (as the record stream does) changes
//! nothing, nor does settling them in one parse (as `diff` and `parse` do),
//! nor finding records' ends 64 bytes at a time rather than a byte at a
//! time.

#![no_main]

use std::io::{self, Read};
use std::sync::Arc;

use lark_ticket::event::{Detail, Event, Settled, settle};
use lark_ticket::input::{Raw, RawRecord, Splitter};
use lark_ticket::record::{Origin, Payload};
use libfuzzer_sys::fuzz_target;

/// Hands out the input `step` bytes per read, so records straddle reads.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Line and outcome of each item: a record's bytes, or an error's message.
type Item = (u64, Result<Vec<u8>, String>);

fn split(input: &[u8], max: usize, step: usize, decode: bool, deferring: bool) -> Vec<Item> {
    split_with(input, max, step, decode, deferring, true)
}

fn split_with(
    input: &[u8],
    max: usize,
    step: usize,
    decode: bool,
    deferring: bool,
    blocks: bool,
) -> Vec<Item> {
    let reader = Trickle { data: input, step };
    let mut items = Vec::new();
    let mut last_line = 0;
    let splitter = Splitter::new(reader, Arc::from("fuzz"), max);
    let splitter = if deferring {
        splitter.deferring()
    } else {
        splitter
    };
    let splitter = if blocks {
        splitter
    } else {
        splitter.byte_scan_only()
    };
    for item in splitter {
        if let Ok(RawRecord {
            location,
            raw: Raw::Unchecked { bytes },
        }) = &item
        {
            settles_alike(location, bytes);
        }
        match item.and_then(RawRecord::checked) {
            Ok(record) => {
                let line = record.location.line;
                assert!(line >= last_line.max(1), "line {line} after {last_line}");
                last_line = line;
                let bytes = match &record.raw {
                    Raw::Json { bytes, .. } => {
                        assert!(matches!(bytes.first(), Some(b'{' | b'[')));
                        assert!(bytes.len() <= max, "{} > bound {max}", bytes.len());
                        assert!(
                            serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok(),
                            "a JSON record that is not JSON"
                        );
                        bytes.clone()
                    }
                    Raw::Http { body, .. } => {
                        assert!(body.len() <= max, "{} > bound {max}", body.len());
                        body.clone()
                    }
                    Raw::Unchecked { .. } => unreachable!("checked records are checked"),
                };
                if decode {
                    let _ = Payload::from_raw(record);
                }
                items.push((line, Ok(bytes)));
            }
            Err(e) => {
                assert!(e.location.line >= last_line, "error line went back");
                last_line = e.location.line;
                items.push((e.location.line, Err(e.message)));
            }
        }
    }
    items
}

/// Settling an unchecked record in one parse gives what the general way
/// gives: the same event from a plain document, else the same payload or
/// error.
fn settles_alike(location: &lark_ticket::input::Location, bytes: &[u8]) {
    let record = || RawRecord {
        location: location.clone(),
        raw: Raw::Unchecked {
            bytes: bytes.to_vec().into(),
        },
    };
    for detail in [Detail::State, Detail::Full] {
        let general = Payload::from_raw(record());
        match settle(Ok(record()), detail) {
            Settled::Event(at, event) => {
                let payload = general.expect("a settled event is a good record");
                assert_eq!(&payload.location, &at);
                assert_eq!(payload.origin, Origin::Document);
                assert!(payload.encrypted_field().is_none());
                assert_eq!(
                    Event::from_slice_with(&payload.body, detail).ok(),
                    Some(*event)
                );
            }
            Settled::Payload(payload) => {
                assert_eq!(format!("{payload:?}"), format!("{general:?}"));
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&knob, input)) = data.split_first() else {
        return;
    };
    // The largest bound too: `--max-record-size` may be anything.
    let max = [16, 64, 300, 4096, 1 << 20, usize::MAX][usize::from(knob % 6)];
    let pieces = 1 + usize::from(knob >> 3);
    let whole = split(input, max, usize::MAX, true, false);
    let lines = 1 + input.iter().filter(|&&b| b == b'\n').count() as u64;
    assert!(whole.iter().all(|(line, _)| *line <= lines));
    let trickled = split(input, max, input.len() / pieces + 1, false, false);
    assert_eq!(whole, trickled, "records depend on how the input was read");
    let deferred = split(input, max, usize::MAX, false, true);
    assert_eq!(whole, deferred, "deferring the checks changed the stream");
    let deferred = split(input, max, input.len() / pieces + 1, false, true);
    assert_eq!(
        whole, deferred,
        "deferring the checks changed the trickled stream"
    );
    let bytewise = split_with(input, max, usize::MAX, false, false, false);
    assert_eq!(whole, bytewise, "the block scan changed the stream");
    let bytewise = split_with(input, max, input.len() / pieces + 1, false, true, false);
    assert_eq!(
        whole, bytewise,
        "the block scan changed the trickled, deferred stream"
    );
});
