//! Reproducers of hangs, blow-ups and crashes of the splitter found by
//! fuzzing and by hostile inputs, run through the library. The cases of
//! blow-ups count the work done and require it to be linear in the input,
//! which no machine's load can change: the bytes the splitter's scans
//! examine, rescans included. A watchdog only turns a real hang (the old
//! behaviour took minutes to hours) into a failure instead of a stuck
//! suite. The blow-ups past the splitter (a signature diagnosis, a table,
//! unknown members) are in `tests/linear_work.rs`.

mod common;

use std::io::{self, Read};
use std::sync::Arc;

use common::{WATCHDOG, within};
use lark_ticket::input::{Raw, Splitter};

/// The splitter examines each byte a few times (the scan for a record's
/// end, the probe, a lookahead over a bad record), and records nested in a
/// bad one are each read until they nest too deep, so a byte may be read
/// once for each of up to 128 enclosing records: about 130 per byte at
/// worst. The quadratic rescans these tests reproduce read each byte tens
/// of thousands of times.
const WORK_PER_BYTE: u64 = 300;

type Items = Vec<(u64, Result<String, String>)>;

/// Each item's line, and the record's bytes or the error's message; and
/// how many bytes the splitter examined.
fn split_counting(input: &[u8], max: usize) -> (Items, u64) {
    let mut splitter = Splitter::new(input, Arc::from("t"), max);
    let mut items = Vec::new();
    while let Some(item) = splitter.next_record() {
        items.push(match item {
            Ok(r) => match r.raw {
                Raw::Json { bytes, .. } => (
                    r.location.line,
                    Ok(String::from_utf8(bytes).expect("UTF-8")),
                ),
                other => panic!("not a checked JSON record: {other:?}"),
            },
            Err(e) => (e.location.line, Err(e.message)),
        });
    }
    (items, splitter.scanned())
}

fn split(input: Vec<u8>, max: usize) -> Items {
    split_counting(&input, max).0
}

/// Splits `input` on a watchdog and checks that the work was linear.
fn split_linear(input: Vec<u8>, max: usize) -> Items {
    let len = input.len() as u64;
    let (items, scanned) = within(WATCHDOG, move || split_counting(&input, max));
    assert!(
        scanned <= WORK_PER_BYTE * len,
        "examined {scanned} bytes of a {len} byte input: quadratic again?"
    );
    items
}

/// 100 000 lines of `{` used to rescan to the end of input from every
/// line: about 20 minutes. Each is now reported, in linear time.
#[test]
fn unclosed_lines_resync_in_linear_time() {
    const N: usize = 100_000;
    for (line, max) in [("{\n", 1 << 24), ("[\n", 1 << 24), ("{\n", 1000)] {
        let out = split_linear(line.repeat(N).into_bytes(), max);
        assert_eq!(out.len(), N, "{line:?} with bound {max}");
        for (i, (line, item)) in out.iter().enumerate() {
            assert_eq!(*line, i as u64 + 1);
            let message = item.as_ref().expect_err("every line is bad");
            // Past the bound while more than the bound of input follows,
            // where the next line's `{` is the syntax error to report.
            if 2 * (N - i) > max + 1 {
                assert!(
                    message.contains("key must be a string"),
                    "line {line}: {message}"
                );
            } else {
                assert!(message.contains("unterminated"), "line {line}: {message}");
            }
        }
    }
}

/// Strings that run into the next line: every line start used to be inside
/// a string for one scan and outside for the next.
#[test]
fn unclosed_strings_resync_in_linear_time() {
    const N: usize = 100_000;
    for line in ["{\"\n", "{\\\"\n", "{\"a\":\"\\\n"] {
        let out = split_linear(line.repeat(N).into_bytes(), 1 << 24);
        assert_eq!(out.len(), N, "{line:?}");
        assert!(out.iter().all(|(_, item)| item.is_err()));
    }
}

/// N lines of `{` then N of `}`: each line's record closes near the end of
/// input, so each used to scan there.
#[test]
fn nested_bad_records_resync_in_linear_time() {
    const N: usize = 50_000;
    let input = format!("{}{}", "{\n".repeat(N), "}\n".repeat(N)).into_bytes();
    let out = split_linear(input, 1 << 24);
    // N - 1 bad records, the innermost `{\n}` (a good `{}`), then the
    // remaining `}` lines: one stretch of unexpected text.
    assert_eq!(out.len(), N + 1);
    assert!(out[..N - 1].iter().all(|(_, item)| item.is_err()));
    assert_eq!(out[N - 1], (N as u64, Ok("{\n}".to_string())));
    assert_eq!(out[N].0, N as u64 + 2);
    assert!(out[N].1.is_err());
}

/// Found while making the tests above count work instead of time: records
/// nested in a bad one were each parsed to their end (`[` nests legally,
/// so the parse went on through every level: 40 000 levels took 3.9 s in
/// a release build, 4 MB of them would take most of an hour), and each
/// was checked for UTF-8 to its end. Now the parse stops where a record
/// nests too deep and the UTF-8 already checked is not checked again.
#[test]
fn records_nested_in_bad_ones_are_read_in_linear_time() {
    const N: usize = 50_000;
    // A syntax error deep inside; a string that is not UTF-8 (a lone 0xff
    // after an "é"); a number list, all nested in N arrays.
    let middles: [&[u8]; 3] = [b"x\n", b"\"\xc3\xa9\xff\"\n", b"1,\n"];
    for middle in middles {
        let mut input = "[\n".repeat(N).into_bytes();
        input.extend(middle);
        input.extend("]\n".repeat(N).as_bytes());
        let out = split_linear(input, 1 << 24);
        assert!(out.iter().any(|(_, item)| item.is_err()), "{middle:?}");
    }
}

/// The first problem in reading order names a record, whichever of
/// syntax and depth it is, and however the record's end was found.
#[test]
fn syntax_and_depth_are_reported_in_reading_order() {
    let deep = |prefix: &str| format!("[{prefix}{}{}]\n", "[".repeat(200), "]".repeat(200));
    for (record, expected) in [
        (deep("tru,"), "expected ident"),
        (deep(""), "recursion limit exceeded"),
        (
            format!("{}1 2{}\n", "[".repeat(200), "]".repeat(200)),
            "recursion limit exceeded",
        ),
    ] {
        // Found by the scan, and after a bad record (by the lookahead).
        for input in [record.clone(), format!("{{x\n{record}")] {
            let out = split(input.clone().into_bytes(), 1 << 20);
            let (_, last) = out.last().expect("an item");
            let message = last.as_ref().expect_err("bad");
            assert!(message.contains(expected), "{input:?}: {message}");
        }
    }
}

/// Good records inside a bad one that never closes are still found, each
/// once and in order, and nothing else is.
#[test]
fn good_records_inside_an_unclosed_one_survive_the_fast_resync() {
    const N: usize = 20_000;
    let mut input = String::new();
    let mut good = Vec::new();
    for i in 0..N {
        if i % 100 == 7 {
            input.push_str(&format!("{{\"n\":{i}}}{{\"m\":[{i}]}}\n"));
            good.push((i as u64 + 1, format!("{{\"n\":{i}}}")));
            good.push((i as u64 + 1, format!("{{\"m\":[{i}]}}")));
        } else {
            input.push_str("{\"open\":\n");
        }
    }
    let out = split_linear(input.into_bytes(), 1 << 24);
    let found: Vec<(u64, String)> = out
        .iter()
        .filter_map(|(line, item)| Some((*line, item.clone().ok()?)))
        .collect();
    assert_eq!(found, good);
    assert_eq!(out.len() - found.len(), N - N / 100);
}

/// After a bad record the records are found by its lookahead, not by a
/// fresh scan: the outcome and message of each must be the same either way.
#[test]
fn a_record_reads_the_same_after_a_bad_one() {
    for tail in [
        "{\"a\":\"oops\n{\"b\":1}\n",
        "{\"a\":1\n",
        "{\"x\":\"y",
        "[1,\n{}\n",
        "{\"a\":\"x\n\"}\n{\"c\":[\"\\\n\"]}\n",
        "{\"a\":tru}\n{\"b\":2}{\"c\":\n{}",
    ] {
        let after_good = split(format!("{{}}\n{tail}").into_bytes(), 1 << 20);
        let after_bad = split(format!("{{x\n{tail}").into_bytes(), 1 << 20);
        assert!(after_bad[0].1.is_err());
        assert_eq!(after_bad[1..], after_good[1..], "{tail:?}");
    }
}

/// Hands out the input `step` bytes per read.
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

/// Every item, as text, reading `step` bytes at a time.
fn split_read(input: &[u8], max: usize, step: usize) -> Vec<String> {
    Splitter::new(Trickle { data: input, step }, Arc::from("t"), max)
        .map(|item| match item {
            Ok(r) => format!("{}: {:?}", r.location, r.raw),
            Err(e) => format!("{}: error: {}", e.location, e.message),
        })
        .collect()
}

/// Found by fuzz/split: a header line longer than the bound was "over the
/// bound" when the whole input was in memory and "truncated" when it came
/// in small reads, and a request line longer than the bound was a capture
/// or not. The splitter now never looks past the bound for a line's end.
#[test]
fn records_do_not_depend_on_how_the_input_is_read() {
    let long = "x".repeat(200);
    let ok = "{\"ok\":1}";
    let cases = [
        (format!("POST /e HTTP/1.1\nX-A: {long}\n\n{{}}\n{ok}\n"), 64),
        (format!("POST /e HTTP/1.1\nX-A: 1\nX-B: {long}"), 64),
        (format!("POST /{long} HTTP/1.1\n\n{{}}\n{ok}\n"), 64),
        (format!("POST /{long} HTTP/1.1\n\n{{}}\n{ok}\n"), 100),
        (format!("unexpected text that goes on and on, {long}\n{ok}"), 1 << 20),
        ("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\n{}".to_string(), 64),
    ];
    for (input, max) in &cases {
        let whole = split_read(input.as_bytes(), *max, usize::MAX);
        if input.ends_with('\n') {
            let last = whole.last().expect("something");
            assert!(!last.contains("error"), "{whole:#?}");
        }
        for step in [1, 2, 3, 7, 64] {
            assert_eq!(
                split_read(input.as_bytes(), *max, step),
                whole,
                "{input:?} in reads of {step}"
            );
        }
    }
    let header = split_read(cases[0].0.as_bytes(), 64, 5);
    assert!(
        header[0].ends_with("error: HTTP capture: header line 2 exceeds the 64 byte bound"),
        "{header:?}"
    );
    // And every fixture, under several bounds.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    for entry in std::fs::read_dir(dir).expect("testdata") {
        let input = std::fs::read(entry.expect("entry").path()).expect("read");
        for max in [64, 300, 1 << 20] {
            let whole = split_read(&input, max, usize::MAX);
            for step in [61, 4096] {
                assert_eq!(split_read(&input, max, step), whole);
            }
        }
    }
}

/// Found by fuzz/split after the depth limit came in: a record both nested
/// too deeply and not UTF-8 was "invalid UTF-8" when its end came from the
/// resync's lookahead and "recursion limit" when the scan found it. The
/// checks now run in one order (UTF-8, syntax, then depth) either way.
#[test]
fn checks_run_in_one_order_however_the_end_was_found() {
    let input = include_bytes!("fuzz-cases/split-depth-and-utf8.bin");
    for max in [64, 300, 4096, 1 << 20] {
        let whole = split_read(input, max, usize::MAX);
        for step in [3, 61, 4096] {
            assert_eq!(
                split_read(input, max, step),
                whole,
                "bound {max}, reads of {step}"
            );
        }
    }
}
