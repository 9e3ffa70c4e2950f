//! The record stream splitter over arbitrary bytes: never panics, yields
//! records in order, only valid JSON as JSON records, and the same records
//! however the input is cut into reads.

#![no_main]

use std::io::{self, Read};
use std::sync::Arc;

use lark_ticket::input::{Raw, Splitter};
use lark_ticket::record::Payload;
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

fn split(input: &[u8], max: usize, step: usize, decode: bool) -> Vec<Item> {
    let reader = Trickle { data: input, step };
    let mut items = Vec::new();
    let mut last_line = 0;
    for item in Splitter::new(reader, Arc::from("fuzz"), max) {
        match item {
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

fuzz_target!(|data: &[u8]| {
    let Some((&knob, input)) = data.split_first() else {
        return;
    };
    let max = [16, 64, 300, 4096, 1 << 20][usize::from(knob % 5)];
    let pieces = 1 + usize::from(knob >> 3);
    let whole = split(input, max, usize::MAX, true);
    let lines = 1 + input.iter().filter(|&&b| b == b'\n').count() as u64;
    assert!(whole.iter().all(|(line, _)| *line <= lines));
    let trickled = split(input, max, input.len() / pieces + 1, false);
    assert_eq!(whole, trickled, "records depend on how the input was read");
});
