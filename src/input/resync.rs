//! Resynchronising after a bad record: its first line is skipped, then
//! every line up to one that begins a record at column 0 (a JSON value or a
//! request line). What the last bad JSON record's scan learnt about the
//! records starting inside it (`lookahead.rs`) tells where each of them
//! ends, so the resync reads the input once however bad it is.

use std::io::{self, Read};

use super::buffer::Buffer;
use super::http::is_request_line;
use super::lookahead::{Known, Lookahead};

/// What the splitter keeps between records for resynchronising.
#[derive(Default)]
pub(super) struct Resync {
    /// A record was rejected: skip to the next record line first.
    pending: bool,
    /// What the scan of the last bad JSON record learnt about the records
    /// that may start inside it.
    lookahead: Option<Lookahead>,
}

/// What the lookahead knows of the JSON record at the current position.
pub(super) enum Ahead {
    /// Nothing: scan it.
    Unknown,
    /// It is this long.
    End(usize),
    /// The input ends inside it (`string`: inside a string, as a fresh
    /// scan would say).
    Unterminated { string: bool },
    /// It does not end within the record bound.
    OverBound,
}

impl Resync {
    /// Marks the record at the current position as bad: its first line is
    /// skipped, and the stream resynchronised from there, before the next
    /// record.
    pub(super) fn reject<R: Read>(&mut self, input: &mut Buffer<R>) {
        input.leave_line_start();
        self.pending = true;
    }

    /// Marks the JSON record at the current position as bad. Unless a
    /// lookahead already covers it (`known`), scans it once more to learn
    /// where each record that may start inside it ends, so that
    /// resynchronising does not rescan it from every line.
    pub(super) fn reject_json<R: Read>(
        &mut self,
        input: &mut Buffer<R>,
        known: bool,
        scanned: &mut u64,
    ) {
        if !known {
            let mut lookahead = Lookahead::new(input.offset());
            lookahead.scan(input.rest());
            *scanned += input.available() as u64;
            self.lookahead = Some(lookahead);
        }
        self.reject(input);
    }

    /// Resynchronises if a record was rejected since the last call.
    /// Returns false at end of input.
    pub(super) fn resume<R: Read>(&mut self, input: &mut Buffer<R>) -> io::Result<bool> {
        if !std::mem::take(&mut self.pending) {
            return Ok(true);
        }
        skip_to_record_line(input)
    }

    /// What the lookahead knows of the JSON record at the current position,
    /// scanning on (and reading) as far as it must to know.
    pub(super) fn ahead<R: Read>(
        &mut self,
        input: &mut Buffer<R>,
        max_record: usize,
        scanned: &mut u64,
    ) -> io::Result<Ahead> {
        let Some(mut lookahead) = self.lookahead.take() else {
            return Ok(Ahead::Unknown);
        };
        let start = input.offset();
        let ahead = loop {
            match lookahead.known(start) {
                Known::Unknown => return Ok(Ahead::Unknown),
                Known::End(end) => break Ahead::End((end - start) as usize),
                Known::Open => {}
            }
            if lookahead.at() - start > max_record as u64 {
                break Ahead::OverBound;
            }
            let unscanned = input.buffered_from(lookahead.at());
            if !unscanned.is_empty() {
                lookahead.scan(unscanned);
                *scanned += unscanned.len() as u64;
            } else if !input.fill()? {
                break Ahead::Unterminated {
                    string: lookahead.unterminated_string(start),
                };
            }
        };
        self.lookahead = Some(lookahead);
        Ok(ahead)
    }
}

/// Skips lines until one begins, at column 0, with a JSON value or an
/// HTTP request line. Returns false at end of input.
fn skip_to_record_line<R: Read>(input: &mut Buffer<R>) -> io::Result<bool> {
    loop {
        if !input.at_line_start() {
            let n = input.line_len()?;
            input.advance(n);
            if n == 0 {
                return Ok(false);
            }
            // A line cut at the record bound is not a line start.
            if input.after_cut_line() {
                continue;
            }
        }
        if !input.want(1)? {
            return Ok(false);
        }
        if starts_record(input)? {
            return Ok(true);
        }
        input.leave_line_start();
    }
}

/// Whether the bytes at the current line start begin a record.
fn starts_record<R: Read>(input: &mut Buffer<R>) -> io::Result<bool> {
    match input.rest()[0] {
        b'{' | b'[' => Ok(true),
        b'A'..=b'Z' => {
            let n = input.line_len()?;
            Ok(is_request_line(&input.rest()[..n]))
        }
        _ => Ok(false),
    }
}
