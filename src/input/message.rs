//! What the splitter says about a bad record: serde_json's message made
//! absolute in the file, unterminated and oversized records, and text where
//! a record should start. (An HTTP capture's faults are named where it is
//! parsed, in `http.rs`.)

use super::buffer::trim_eol;

/// Bytes of unexpected text read before quoting it (24 characters of up
/// to 4 bytes).
pub(super) const PREVIEW: usize = 96;

/// serde_json's message with the position made absolute in the file.
pub(super) fn json_error_message(e: &serde_json::Error, record_line: u64) -> String {
    let text = e.to_string();
    let reason = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(r, _)| r);
    if e.line() == 0 {
        return format!("malformed JSON: {reason}");
    }
    let line = record_line + e.line() as u64 - 1;
    format!(
        "malformed JSON: {reason} (line {line}, column {})",
        e.column()
    )
}

/// A JSON record the input ends inside of (`string`: inside a string, or
/// after one a raw newline broke).
pub(super) fn unterminated(string: bool) -> String {
    let what = if string { "string" } else { "JSON value" };
    format!("malformed JSON: unterminated {what} at end of input")
}

/// How to accept a record past the record bound, said wherever one is hit:
/// `... exceeds the N byte bound (raise it with --max-record-size)`.
pub const RAISE_RECORD_BOUND: &str = "raise it with --max-record-size";

/// `WHAT exceeds the N byte bound (raise it with --max-record-size)`.
pub fn exceeds_bound(what: &str, max_record: usize) -> String {
    format!("{what} exceeds the {max_record} byte bound ({RAISE_RECORD_BOUND})")
}

/// A record that does not end within the bound.
pub(super) fn over_bound(max_record: usize) -> String {
    exceeds_bound("record", max_record)
}

/// Text that starts no record, from up to [`PREVIEW`] bytes of it.
pub(super) fn not_a_record(preview: &[u8]) -> String {
    let what = describe_start(preview);
    format!("{what}: expected a JSON object or an HTTP request")
}

fn describe_start(rest: &[u8]) -> String {
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let shown: String = String::from_utf8_lossy(trim_eol(line))
        .chars()
        .take(24)
        .collect();
    match rest.first() {
        Some(b'"') => "a JSON string where a record should start".to_string(),
        Some(b'0'..=b'9' | b'-') => "a JSON number where a record should start".to_string(),
        _ => format!("unexpected text {shown:?}"),
    }
}
