//! The splitter's tests (beside it, so that split.rs stays readable).

use std::io;

use super::super::buffer::CHUNK;
use super::*;

type Split = Vec<Result<(u64, String), (u64, String)>>;

/// The items of `input`, checked by the splitter; the same when the
/// checks are deferred and done afterwards (asserted).
fn split(input: &str) -> Split {
    let items = |splitter: Splitter<&[u8]>| -> Split {
        splitter
            .map(|r| match r.and_then(RawRecord::checked) {
                Ok(rec) => Ok((
                    rec.location.line,
                    match rec.raw {
                        Raw::Json { bytes, .. } => String::from_utf8(bytes).unwrap(),
                        Raw::Http { method, body, .. } => {
                            format!("{method} {}", String::from_utf8(body).unwrap())
                        }
                        Raw::Unchecked { .. } => panic!("checked records are checked"),
                    },
                )),
                Err(e) => Err((e.location.line, e.message)),
            })
            .collect()
    };
    let splitter = || Splitter::new(input.as_bytes(), Arc::from("t"), 1 << 20);
    let checked = items(splitter());
    assert_eq!(items(splitter().deferring()), checked, "{input:?}");
    assert_eq!(items(splitter().byte_scan_only()), checked, "{input:?}");
    checked
}

fn ok(line: u64, s: &str) -> Result<(u64, String), (u64, String)> {
    Ok((line, s.to_string()))
}

#[test]
fn ndjson_concatenated_and_pretty() {
    let out = split("{\"a\":1}\n{\"b\":\"}\"}{\"c\":[1,{}]}\n\n{\n  \"d\": \"\\\"{\"\n}\n");
    assert_eq!(
        out,
        [
            ok(1, "{\"a\":1}"),
            ok(2, "{\"b\":\"}\"}"),
            ok(2, "{\"c\":[1,{}]}"),
            ok(4, "{\n  \"d\": \"\\\"{\"\n}"),
        ]
    );
}

#[test]
fn resynchronises_after_a_bad_record() {
    let out = split("{\"a\":1}\n{\"b\": tru}\n{\"c\":3}\n{\"d\":\n{\"e\":5}\n");
    assert_eq!(out[0], ok(1, "{\"a\":1}"));
    assert!(
        matches!(&out[1], Err((2, m)) if m.contains("malformed JSON")),
        "{out:?}"
    );
    assert_eq!(out[2], ok(3, "{\"c\":3}"));
    assert!(matches!(&out[3], Err((4, _))), "{out:?}");
    assert_eq!(out[4], ok(5, "{\"e\":5}"));
    assert_eq!(out.len(), 5);
}

#[test]
fn unterminated_string_does_not_swallow_the_rest() {
    let out = split("{\"a\":\"oops}\n{\"b\":2}\n{\"c\":3}\n");
    assert!(matches!(&out[0], Err((1, _))), "{out:?}");
    assert_eq!(&out[1..], [ok(2, "{\"b\":2}"), ok(3, "{\"c\":3}")]);
}

#[test]
fn garbage_between_records() {
    let out = split("hello\nworld\n{\"a\":1}\n42\n{\"b\":2}");
    assert!(
        matches!(&out[0], Err((1, m)) if m.contains("unexpected text")),
        "{out:?}"
    );
    assert_eq!(out[1], ok(3, "{\"a\":1}"));
    assert!(
        matches!(&out[2], Err((4, m)) if m.contains("number")),
        "{out:?}"
    );
    assert_eq!(out[3], ok(5, "{\"b\":2}"));
}

#[test]
fn http_captures_crlf_and_lf() {
    let crlf = "POST /webhook/event HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"a\":1}\r\n{\"n\":2}";
    let out = split(crlf);
    assert_eq!(out, [ok(1, "POST {\"a\":1}"), ok(6, "{\"n\":2}")]);
    let lf = "POST /e HTTP/1.1\nX-A: 1\n\n{\"a\":1}\nPOST /e HTTP/1.1\nX-A: 2\n\n{\"b\":2}";
    let out = split(lf);
    assert_eq!(out, [ok(1, "POST {\"a\":1}\n"), ok(5, "POST {\"b\":2}")]);
}

#[test]
fn truncated_http_capture() {
    let out = split("POST /e HTTP/1.1\nContent-Length: 100\n\n{\"a\":1}\n");
    assert!(
        matches!(&out[0], Err((1, m)) if m.contains("truncated")),
        "{out:?}"
    );
    let out = split("POST /e HTTP/1.1\nX-A: 1\n");
    assert!(
        matches!(&out[0], Err((1, m)) if m.contains("no blank line")),
        "{out:?}"
    );
    let out = split("POST /e HTTP/1.1\nbroken header\n\n{}\n{\"ok\":1}\n");
    assert!(
        matches!(&out[0], Err((1, m)) if m.contains("no ':'")),
        "{out:?}"
    );
    assert_eq!(out.last(), Some(&ok(5, "{\"ok\":1}")));
}

#[test]
fn record_bound() {
    let big = format!("{{\"a\":\"{}\"}}\n{{\"b\":1}}\n", "x".repeat(300));
    let out: Vec<_> = Splitter::new(big.as_bytes(), Arc::from("t"), 100).collect();
    assert!(out[0].as_ref().is_err_and(|e| e.message.contains("bound")));
    assert!(out[1].as_ref().is_ok_and(|r| r.location.line == 2));
}

#[test]
fn brackets_in_a_string_cut_by_the_bound_are_no_depth() {
    // The string never ends within the bound: what is past its quote
    // is in it, not 300 levels of nesting.
    let input = format!("{{\"a\":\"{}\n{{\"b\":1}}\n", "[".repeat(300));
    let out: Vec<_> = Splitter::new(input.as_bytes(), Arc::from("t"), 200).collect();
    assert!(
        out[0]
            .as_ref()
            .is_err_and(|e| e.message.contains("exceeds the 200 byte bound")),
        "{out:?}"
    );
    assert!(out[1].as_ref().is_ok_and(|r| r.location.line == 2));
}

#[test]
fn records_across_chunk_boundaries() {
    let record = format!("{{\"k\":\"{}\\\"\"}}", "y".repeat(CHUNK / 3));
    let input = format!("{record}\n").repeat(10);
    let out = split(&input);
    assert_eq!(out.len(), 10);
    for (i, r) in out.iter().enumerate() {
        assert_eq!(r, &ok(i as u64 + 1, &record));
    }
}

#[test]
fn bom_is_skipped() {
    assert_eq!(split("\u{feff}{\"a\":1}"), [ok(1, "{\"a\":1}")]);
}

/// Hands out the input `step` bytes per read (also the buffer's tests').
pub(crate) struct Trickle<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Everything a splitter gives, unchecked records as they come.
fn raw_items(splitter: Splitter<Trickle<'_>>) -> Vec<String> {
    splitter.map(|item| format!("{item:?}")).collect()
}

/// A line of a stream: records compact or pretty, with escapes of every
/// kind, nested, cut short, with backslashes outside strings, garbage.
fn stream_line() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let text = "[a-z{}\\[\\]\"\\\\\t\u{e9}]{0,40}";
    let value = (text, text, 0usize..4, any::<bool>()).prop_map(|(k, v, nest, pretty)| {
        let mut value = serde_json::json!({ k: v, "n": [1, {"x": null}] });
        for _ in 0..nest {
            value = serde_json::json!([value, "\\\"]\\"]);
        }
        if pretty {
            serde_json::to_string_pretty(&value).unwrap_or_default()
        } else {
            value.to_string()
        }
    });
    prop_oneof![
        4 => value.clone(),
        1 => (value.clone(), 0usize..80).prop_map(|(v, cut)| v.chars().take(cut).collect()),
        1 => value.prop_map(|v| v.replacen('"', "\\\"", 1)),
        1 => "[{}\\[\\]\"\\\\ a:,]{0,30}",
    ]
}

proptest::proptest! {
    /// Finding records' ends 64 bytes at a time changes no record, error
    /// or line, however the input is read and whether or not one-line
    /// records' checks are deferred.
    #[test]
    fn the_block_scan_changes_nothing(
        lines in proptest::collection::vec(stream_line(), 0..10),
        step in 1usize..300,
        max in 8usize..600,
        deferring in proptest::bool::ANY,
    ) {
        let input = lines.join("\n");
        let splitter = |blocks: bool| {
            let s = Splitter::new(Trickle { data: input.as_bytes(), step }, Arc::from("t"), max);
            let s = if deferring { s.deferring() } else { s };
            if blocks { s } else { s.byte_scan_only() }
        };
        proptest::prop_assert_eq!(raw_items(splitter(true)), raw_items(splitter(false)));
    }
}
