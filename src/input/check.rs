//! The checks every JSON record passes, in one order whichever way it was
//! found: UTF-8 (incrementally over a stream, so that records nested in a
//! bad one are not checked again), then syntax and depth in reading order,
//! stopping where the text first nests deeper than [`MAX_DEPTH`].

use std::io::Read;

use serde::de::IgnoredAny;

use super::buffer::Buffer;
use super::scan::{depth_scan, nests_deeper_than};

/// The deepest nesting a record may have: serde_json's own limit (it
/// stops at 128 levels), so that whatever passes here also parses into a
/// `serde_json::Value`. Skipping a value does not recurse, so the probe
/// would accept any depth without this check.
pub const MAX_DEPTH: usize = 127;

/// Checks that bytes are UTF-8, naming where they stop being.
pub(super) fn check_utf8(bytes: &[u8]) -> Result<(), serde_json::Error> {
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return Ok(());
    }
    // The fast check says only whether; the standard one says where.
    let at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    Err(not_utf8(at))
}

/// The error for a record that is not UTF-8 from byte `at` on.
pub(super) fn not_utf8(at: usize) -> serde_json::Error {
    serde::de::Error::custom(format_args!("invalid UTF-8 at byte {at}"))
}

/// Checks that bytes are one JSON value nested no deeper than the models
/// read (UTF-8 is the caller's to check).
pub fn validate(bytes: &[u8]) -> Result<(), serde_json::Error> {
    check_syntax(bytes, nests_deeper_than(bytes, MAX_DEPTH))
}

/// Checks the syntax of a JSON text that first nests too deep at
/// `too_deep_at` (if it does): a syntax error before that point, else the
/// depth. Only the bytes before it are parsed: records nested in a bad one
/// are each checked in turn, and parsing each through every level to its
/// end would make the resync quadratic.
pub(super) fn check_syntax(
    bytes: &[u8],
    too_deep_at: Option<usize>,
) -> Result<(), serde_json::Error> {
    let Some(at) = too_deep_at else {
        serde_json::from_slice::<IgnoredAny>(bytes)?;
        return Ok(());
    };
    // The text ends inside an array or object there, so a parse that
    // finds nothing wrong before it stops at the end of input.
    match serde_json::from_slice::<IgnoredAny>(&bytes[..at.min(bytes.len())]) {
        Err(e) if !e.is_eof() => Err(e),
        _ => Err(too_deep()),
    }
}

/// The error for a record nested deeper than [`MAX_DEPTH`].
fn too_deep() -> serde_json::Error {
    serde::de::Error::custom(format_args!(
        "recursion limit exceeded: nested more than {MAX_DEPTH} levels deep"
    ))
}

/// Where a record's bytes first nest too deep, if they do. A depth a scan
/// already counted says whether they do; only then is the place looked
/// for. Adds the bytes it read to `scanned`.
pub(super) fn too_deep_at(bytes: &[u8], depth: Option<usize>, scanned: &mut u64) -> Option<usize> {
    if depth.is_some_and(|depth| depth <= MAX_DEPTH) {
        return None;
    }
    let (at, read) = depth_scan(bytes, MAX_DEPTH);
    *scanned += read as u64;
    at
}

/// The syntax error of a text cut short (at the record bound), when it has
/// one before the cut; checked as any record is, only up to where it first
/// nests too deep. Adds the bytes it read to `scanned`.
pub(super) fn syntax_error(bytes: &[u8], scanned: &mut u64) -> Option<serde_json::Error> {
    let (too_deep_at, read) = depth_scan(bytes, MAX_DEPTH);
    *scanned += read as u64;
    let checked = check_syntax(bytes, too_deep_at);
    *scanned += parsed_len(bytes, too_deep_at, checked.as_ref().err()) as u64;
    checked.err().filter(|e| !e.is_eof())
}

/// How far the check of a record's syntax read: to its error, or to where
/// the record nests too deep (where the parse stops), or all of it. (For
/// the splitter's count of the bytes it examines.)
pub(super) fn parsed_len(
    bytes: &[u8],
    too_deep_at: Option<usize>,
    error: Option<&serde_json::Error>,
) -> usize {
    let bytes = &bytes[..too_deep_at.unwrap_or(bytes.len()).min(bytes.len())];
    let Some(e) = error.filter(|e| e.line() > 0) else {
        return bytes.len();
    };
    let line_start = match e.line() {
        1 => 0,
        line => memchr::memchr_iter(b'\n', bytes)
            .nth(line - 2)
            .map_or(0, |i| i + 1),
    };
    (line_start + e.column()).min(bytes.len())
}

/// A stretch of the input known to be UTF-8: `from..to` (absolute offsets,
/// both at character boundaries), and whether the bytes at `to` are known
/// not to begin a character, whatever follows them.
#[derive(Default)]
pub(super) struct Utf8Seen {
    from: u64,
    to: u64,
    bad: bool,
}

impl Utf8Seen {
    /// Checks that the `len` bytes of the record at the buffer's position
    /// are UTF-8, reading only what no earlier record has covered: records
    /// that start inside a bad one share its bytes. Adds the bytes it read
    /// to `scanned`.
    pub(super) fn check<R: Read>(
        &mut self,
        input: &Buffer<R>,
        len: usize,
        scanned: &mut u64,
    ) -> Result<(), serde_json::Error> {
        let start = input.offset();
        let end = start + len as u64;
        // A record starts with `{` or `[`, so inside a known stretch it
        // starts at a character boundary.
        if !(self.from <= start && start <= self.to) {
            *self = Utf8Seen {
                from: start,
                to: start,
                bad: false,
            };
        }
        if self.to >= end {
            return Ok(());
        }
        if !self.bad {
            let rest = &input.buffered_from(self.to)[..(end - self.to) as usize];
            *scanned += rest.len() as u64;
            if simdutf8::basic::from_utf8(rest).is_ok() {
                self.to = end;
                return Ok(());
            }
            // The fast check says only whether; the standard one says where.
            if let Err(e) = std::str::from_utf8(rest) {
                self.to += e.valid_up_to() as u64;
                // An incomplete character at the end may yet be completed
                // by the bytes after this record.
                self.bad = e.error_len().is_some();
            }
        }
        Err(not_utf8((self.to - start) as usize))
    }
}
