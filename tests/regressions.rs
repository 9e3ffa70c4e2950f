//! Reproducers of hangs, blow-ups and crashes found by fuzzing and by
//! hostile inputs, run through the library. The cases of blow-ups count the
//! work done and require it to be linear in the input, which no machine's
//! load can change: the bytes the splitter's scans examine (rescans
//! included), the bytes a signature diagnosis hashes, and the word-splitting
//! work a table leaves to comfy-table. A watchdog only turns a real hang
//! (the old behaviour took minutes to hours) into a failure instead of a
//! stuck suite.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use lark_ticket::input::{Raw, Splitter};

/// A hang guard, not a speed check: far above what the fixed code takes
/// even in a debug build on a loaded machine.
const WATCHDOG: u64 = 300;

/// The splitter examines each byte a few times (the scan for a record's
/// end, the probe, a lookahead over a bad record), and records nested in a
/// bad one are each read until they nest too deep, so a byte may be read
/// once for each of up to 128 enclosing records: about 130 per byte at
/// worst. The quadratic rescans these tests reproduce read each byte tens
/// of thousands of times.
const WORK_PER_BYTE: u64 = 300;

/// Runs `f` on a thread and fails if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(value) => value,
        Err(_) => panic!("took longer than {secs} s: quadratic again?"),
    }
}

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

/// verify's diagnosis hashed the body once per trailing newline: a body
/// of 40 000 newlines took 36 s, a megabyte of them hours. The bytes it
/// hashes are counted: doubling the body at most doubles them, whether the
/// first cause tried matches or every cause is tried and none does.
#[test]
fn diagnosis_of_a_body_of_newlines_is_linear() {
    const N: usize = 200_000;
    for matched in [true, false] {
        let (cause, hashed) = diagnosis_of_newlines(N, matched);
        let (_, hashed_double) = diagnosis_of_newlines(2 * N, matched);
        assert_eq!(
            cause,
            matched.then_some("trailing_newline_added"),
            "{matched}"
        );
        assert!(hashed >= N as u64, "the body is hashed: {hashed} bytes");
        assert!(
            hashed_double <= 2 * hashed,
            "{N} newlines: {hashed} bytes hashed, twice as many: {hashed_double}"
        );
    }
}

/// Diagnoses `{}` and `newlines` newlines, signed with three fewer newlines
/// (found by the first cause tried) or not signed at all (no cause found);
/// the cause and the bytes hashed.
fn diagnosis_of_newlines(newlines: usize, matched: bool) -> (Option<&'static str>, u64) {
    use lark_ticket::crypto;
    use lark_ticket::secret::Secret;
    use lark_ticket::verify::diagnosis::{Context, diagnose, hashed_bytes};

    within(WATCHDOG, move || {
        let key = Secret::new("k");
        let body = [b"{}".as_slice(), &vec![b'\n'; newlines]].concat();
        let value = serde_json::from_slice(&body).ok();
        let expected = crypto::signature("1", "n", &key, &body);
        let ctx = Context {
            timestamp: "1",
            nonce: "n",
            key: &key,
            token: None,
            body: &body,
            value: value.as_ref(),
            plaintext: None,
            expected: &expected,
        };
        let received = if matched {
            crypto::signature("1", "n", &key, &body[..body.len() - 3])
        } else {
            "0".repeat(64)
        };
        let before = hashed_bytes();
        let diagnosis = diagnose(&ctx, &received);
        (diagnosis.cause, hashed_bytes() - before)
    })
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

/// Lays out `json` (an event) as `parse -o table` does, `width` columns
/// wide; the table and the layout work counted (`grid::layout_work`).
fn table_of(json: &[u8], width: usize) -> (String, u64) {
    use jiff::tz::TimeZone;
    use lark_ticket::event::{Event, Lang};
    use lark_ticket::input::Location;
    use lark_ticket::render::grid::layout_work;
    use lark_ticket::render::table::TableRenderer;
    use lark_ticket::render::{Parsed, Renderer, Style};

    let before = layout_work();

    let event = Event::from_slice(json).expect("an event");
    let location = Location::new(Arc::from("t"), 1);
    let mut table = TableRenderer::new(Style::new(false, Lang::En, TimeZone::UTC));
    table.width = Some(width);
    let mut out = Vec::new();
    table
        .parsed(
            &mut out,
            &Parsed {
                location: &location,
                encrypted: false,
                event: &event,
            },
        )
        .expect("renders");
    (
        String::from_utf8(out).expect("UTF-8"),
        layout_work() - before,
    )
}

/// Found by fuzz/event (a timeout): comfy-table splits a word longer than
/// its column one line at a time, measuring the rest of the word for each,
/// so a 16,000-character field name took 12 s in a 20-column terminal and
/// a megabyte of one would take hours. Tables now break such runs into
/// lines twice the terminal's width before comfy-table sees them, and the
/// work that leaves comfy-table is counted: doubling the word at most
/// doubles it.
#[test]
fn a_long_word_in_a_narrow_table_is_laid_out_in_linear_time() {
    let input = include_bytes!("fuzz-cases/event-long-word-narrow-table.bin");
    // The fuzz target's first byte chose the options: 20 columns here.
    let (out, _) = within(WATCHDOG, || table_of(&input[1..], 20));
    assert!(out.contains("helpdesk.ticket.updated_v1"), "{out}");

    // The work counter, not the size, tells linear from quadratic.
    const N: usize = 50_000;
    let (out, work) = long_field_name_table(N);
    // Every character of the name is shown, a few on each line.
    assert_eq!(out.matches('x').count(), N, "the whole name");
    assert!(
        out.lines()
            .all(|line| !line.contains("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"))
    );
    let (_, work_double) = long_field_name_table(2 * N);
    assert!(work >= N as u64, "the name was counted: {work}");
    assert!(
        work_double <= 2 * work,
        "a {N}-character name: work {work}, twice as long: {work_double}"
    );
}

/// A 20-column table of an event whose old_object has one field, named
/// with `len` x's.
fn long_field_name_table(len: usize) -> (String, u64) {
    let key = "x".repeat(len);
    let json = format!(
        "{{\"schema\":\"2.0\",\"header\":{{\"event_type\":\"helpdesk.ticket.updated_v1\"}},\
         \"event\":{{\"object\":{{\"ticket_id\":\"t\"}},\"old_object\":{{\"{key}\":1}}}}}}"
    );
    within(WATCHDOG, move || table_of(json.as_bytes(), 20))
}

/// An `old_object` (or a ticket) of 100 000 distinct unknown members used
/// to look each key up among those before it: 25 s for a 1.5 MB record.
/// Both readers (the fast one, and serde_json for a text with an escape)
/// now keep them in linear time, a repeated key's last value in its first
/// place.
#[test]
fn many_unknown_members_are_kept_in_linear_time() {
    use lark_ticket::event::raw::RawDoc;
    use lark_ticket::json::{Nested, read_fast};
    const N: usize = 100_000;
    let members: String = (0..N).map(|i| format!("\"k{i}\":{i},")).collect();
    for escape in ["", "\\u0041"] {
        let text = format!(
            r#"{{"schema":"2.0{escape}","event":{{"object":{{{members}"k0":"last"}},"old_object":{{{members}"k0":"last"}}}}}}"#
        );
        let (object, old) = within(WATCHDOG, move || {
            let doc: RawDoc = match read_fast(&text) {
                Some(doc) => doc,
                None => serde_json::from_str(&text).expect("JSON"),
            };
            let Some(Nested::Value(event)) = doc.event else {
                panic!("no event")
            };
            let (Some(Nested::Value(object)), Some(Nested::Value(old))) =
                (event.object, event.old_object)
            else {
                panic!("no object or old_object")
            };
            let owned = |members: Vec<(std::borrow::Cow<'_, str>, serde_json::Value)>| {
                members
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v))
                    .collect::<Vec<_>>()
            };
            (owned(object.others), owned(old.others))
        });
        for others in [object, old] {
            assert_eq!(others.len(), N, "{escape:?}");
            assert_eq!(others[0].0, "k0");
            assert_eq!(others[0].1, "last");
            assert_eq!(others[N - 1].1, N - 1);
        }
    }
}

/// An update whose `old_object` and `object` share many keys outside the
/// schema: each old field's current value used to be searched for among
/// the object's members, quadratic in the keys (400,000 on each side would
/// take minutes). They are now looked up by name.
#[test]
fn many_unknown_old_fields_are_diffed_in_linear_time() {
    use lark_ticket::event::{Event, FieldValue};
    const N: usize = 400_000;
    let members: String = (0..N).map(|i| format!("\"k{i}\":{i},")).collect();
    let old: String = (0..N).map(|i| format!("\"k{i}\":{},", N - i)).collect();
    let text = format!(
        r#"{{"schema":"2.0","header":{{"event_type":"helpdesk.ticket.updated_v1"}},"event":{{"object":{{{members}"stage":2}},"old_object":{{{old}"stage":1}}}}}}"#
    );
    let transitions = within(WATCHDOG, move || {
        Event::from_slice(text.as_bytes())
            .expect("an event")
            .transitions()
            .to_vec()
    });
    assert_eq!(transitions.len(), N + 1);
    assert_eq!(transitions[0].field, "stage");
    let last = &transitions[N];
    assert_eq!(last.field, format!("k{}", N - 1));
    assert_eq!(last.from, Some(FieldValue::Raw(1.into())));
    assert_eq!(last.to, Some(FieldValue::Raw((N - 1).into())));
    assert!(
        transitions
            .iter()
            .all(|t| t.changed || t.field == format!("k{}", N / 2))
    );
}
