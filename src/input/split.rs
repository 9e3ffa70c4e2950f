//! Splits a byte stream into records without holding more than one record in
//! memory: JSON documents (pretty, NDJSON or concatenated) and raw HTTP/1.1
//! request captures. A malformed record costs only itself: the splitter
//! resynchronises at the next line after the bad record's first line that
//! begins a JSON value (or an HTTP request) at column 0.
//!
//! The parts: the read buffer (`buffer.rs`), the scan for a JSON value's
//! end (`scan.rs`), the checks (`check.rs`) and probe (`probe.rs`) of a
//! JSON record, the HTTP capture parser (`http.rs`), the resync
//! (`resync.rs`, `lookahead.rs`) and the messages (`message.rs`).

use std::io::{self, Read};
use std::sync::Arc;

use super::blocks::value_end;
use super::buffer::Buffer;
use super::check::{self, MAX_DEPTH, Utf8Seen, parsed_len};
use super::http::{is_request_line, read_capture};
use super::location::{Location, RecordError};
use super::message::{self, PREVIEW, json_error_message};
use super::probe::Members;
use super::raw::{Raw, RawRecord};
use super::resync::{Ahead, Resync};
use super::scan::{JsonScan, scan_json};

/// The default bound on one record's size (16 MiB).
pub const DEFAULT_MAX_RECORD: usize = 16 * 1024 * 1024;

pub struct Splitter<R> {
    input: Buffer<R>,
    source: Arc<str>,
    failed: bool,
    max_record: usize,
    /// Where to resume after a bad record, and what is known of the
    /// records ahead.
    resync: Resync,
    /// Bytes examined by the scans and the probe, rescans included.
    scanned: u64,
    /// What is known of the input's UTF-8, so that records nested in a bad
    /// one are not checked again byte by byte (quadratic over a resync).
    utf8: Utf8Seen,
    /// Whether one-line records may be handed on unchecked.
    defer: bool,
    /// Whether a record's end may be found 64 bytes at a time.
    blocks: bool,
}

impl<R: Read> Splitter<R> {
    pub fn new(reader: R, source: Arc<str>, max_record: usize) -> Self {
        Splitter {
            input: Buffer::new(reader, max_record),
            source,
            failed: false,
            max_record,
            resync: Resync::default(),
            scanned: 0,
            utf8: Utf8Seen::default(),
            defer: false,
            blocks: true,
        }
    }

    /// Finds every record's end a byte at a time, never 64 bytes at a time
    /// (`blocks.rs`): the general way, which tests and the `split` fuzz
    /// target compare the fast one with.
    pub fn byte_scan_only(mut self) -> Self {
        self.blocks = false;
        self
    }

    /// Hands on the records of NDJSON as [`Raw::Unchecked`] wherever that
    /// cannot change the stream: a record alone on its line, nested no
    /// deeper than the limit, and followed by a line that starts a JSON
    /// value (or by the end of input). Rejecting such a record resumes at
    /// the next line, which is where accepting it resumes too, so the
    /// stream is the same once each record is [`RawRecord::checked`]; the
    /// check (UTF-8 and syntax) then runs on the pipeline's workers, in the
    /// same parse that reads the event.
    pub fn deferring(mut self) -> Self {
        self.defer = true;
        self
    }

    /// How many bytes the scans for records' ends and the probes have
    /// examined so far, counting every rescan. Linear in the input however
    /// bad it is; tests use it to catch quadratic rescanning without
    /// timing anything.
    pub fn scanned(&self) -> u64 {
        self.scanned
    }

    fn location(&self, line: u64) -> Location {
        Location::new(self.source.clone(), line)
    }

    /// Marks the record starting at the current position as bad: skip its
    /// first line and resynchronise from there on the next call.
    fn reject(&mut self, line: u64, message: impl Into<String>) -> RecordError {
        self.resync.reject(&mut self.input);
        RecordError::new(self.location(line), message)
    }

    /// Rejects a JSON record, letting the resync learn from its bytes
    /// (unless its end came from what the resync knew, `known`).
    fn reject_json(&mut self, line: u64, known: bool, message: String) -> RecordError {
        self.resync
            .reject_json(&mut self.input, known, &mut self.scanned);
        RecordError::new(self.location(line), message)
    }

    /// The next record, or an error naming a bad one. `None` at end of input.
    pub fn next_record(&mut self) -> Option<Result<RawRecord, RecordError>> {
        if self.failed {
            return None;
        }
        match self.next_inner() {
            Ok(next) => next,
            Err(e) => {
                self.failed = true;
                Some(Err(RecordError::new(
                    self.location(self.input.line()),
                    format!("read error: {e}"),
                )))
            }
        }
    }

    fn next_inner(&mut self) -> io::Result<Option<Result<RawRecord, RecordError>>> {
        if !self.resync.resume(&mut self.input)? {
            return Ok(None);
        }
        if !self.input.skip_whitespace()? {
            return Ok(None);
        }
        let line = self.input.line();
        let first = self.input.rest()[0];
        if first == b'{' || first == b'[' {
            return self.json_record(line).map(Some);
        }
        if self.input.at_line_start() && first.is_ascii_uppercase() {
            let n = self.input.line_len()?;
            if is_request_line(&self.input.rest()[..n]) {
                return Ok(Some(
                    match read_capture(&mut self.input, line, self.max_record)? {
                        Ok(raw) => Ok(RawRecord {
                            location: self.location(line),
                            raw,
                        }),
                        Err(why) => Err(self.reject(line, why)),
                    },
                ));
            }
        }
        // Enough of the line to quote, however the input was read.
        self.input.want(PREVIEW)?;
        let rest = self.input.rest();
        let message = message::not_a_record(&rest[..rest.len().min(PREVIEW)]);
        Ok(Some(Err(self.reject(line, message))))
    }

    fn json_record(&mut self, line: u64) -> io::Result<Result<RawRecord, RecordError>> {
        let known = match self
            .resync
            .ahead(&mut self.input, self.max_record, &mut self.scanned)?
        {
            Ahead::Unknown => None,
            Ahead::End(len) => Some(len),
            Ahead::Unterminated { string } => {
                return Ok(Err(self.reject(line, message::unterminated(string))));
            }
            Ahead::OverBound => {
                let message = self.over_bound_message(line);
                return Ok(Err(self.reject(line, message)));
            }
        };
        let mut scan = JsonScan::default();
        // Nearly every record ends on its line: found 64 bytes at a time,
        // with the same answer as the byte scan below (blocks.rs).
        let one_line = (self.blocks && known.is_none())
            .then(|| value_end(self.input.rest()))
            .flatten();
        let len = loop {
            if let Some(len) = known {
                break len;
            }
            if let Some(value) = one_line {
                scan.max_depth = value.max_depth;
                self.scanned += value.len as u64;
                break value.len;
            }
            let from = scan.offset;
            let end = scan_json(&mut scan, self.input.rest());
            self.scanned += (end.unwrap_or(scan.offset) - from) as u64;
            if let Some(len) = end {
                break len;
            }
            if self.input.available() > self.max_record {
                let message = self.over_bound_message(line);
                return Ok(Err(self.reject_json(line, false, message)));
            }
            if !self.input.fill()? {
                let message = message::unterminated(scan.in_string || scan.broken_string);
                return Ok(Err(self.reject_json(line, false, message)));
            }
        };
        if len > self.max_record {
            let message = self.over_bound_message(line);
            return Ok(Err(self.reject_json(line, known.is_some(), message)));
        }
        if self.defer
            && known.is_none()
            && !scan.newline
            && scan.max_depth <= MAX_DEPTH
            && self.resumes_alike(len)
        {
            // No newline in it (`scan.newline`, or it ends on its line).
            let bytes = self.input.take(len);
            return Ok(Ok(RawRecord {
                location: self.location(line),
                raw: Raw::Unchecked { bytes },
            }));
        }
        // The bad record must be known here, while its bytes can still be
        // rescanned for the resync; the same pass probes what the record
        // layer needs (it runs at over 1 GB/s). The depth is known from
        // the scan, unless the end came from the resync's lookahead.
        let depth = known.is_none().then_some(scan.max_depth);
        let probed = self
            .utf8
            .check(&self.input, len, &mut self.scanned)
            .and_then(|()| {
                let bytes = &self.input.rest()[..len];
                let too_deep_at = check::too_deep_at(bytes, depth, &mut self.scanned);
                let probed = Members::of_checked(bytes, too_deep_at);
                self.scanned += parsed_len(bytes, too_deep_at, probed.as_ref().err()) as u64;
                probed
            });
        match probed {
            Ok(probe) => {
                let bytes = self.input.rest()[..len].to_vec();
                self.input.advance(len);
                Ok(Ok(RawRecord {
                    location: self.location(line),
                    raw: Raw::Json { bytes, probe },
                }))
            }
            Err(e) => {
                let message = json_error_message(&e, line);
                Ok(Err(self.reject_json(line, known.is_some(), message)))
            }
        }
    }

    /// Whether the stream resumes at the same place after the one-line
    /// record of `len` bytes at the current position, rejected or not.
    /// Rejected, it resumes at the first later line that starts with `{`
    /// or `[` (or a request line); accepted, at the next byte that is not
    /// whitespace. Those agree when only line ends lie between the record
    /// and a `{` or `[` that starts a line, or the end of input. Looks
    /// only at what is in the buffer (a `false` costs only speed).
    fn resumes_alike(&self, len: usize) -> bool {
        let after = &self.input.rest()[len..];
        let run = after
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .unwrap_or(after.len());
        match after.get(run) {
            Some(b'{' | b'[') => run > 0 && after[run - 1] == b'\n',
            Some(_) => false,
            None => self.input.eof(),
        }
    }

    /// Why a record that does not end within the bound is bad: its first
    /// syntax error when it has one (a broken line that never closes is no
    /// matter of the bound, and raising it would not help), else the bound.
    /// Only the bytes within the bound count, however many were read.
    fn over_bound_message(&mut self, line: u64) -> String {
        let len = self
            .input
            .available()
            .min(self.max_record.saturating_add(1));
        let bytes = &self.input.rest()[..len];
        match check::syntax_error(bytes, &mut self.scanned) {
            Some(e) => json_error_message(&e, line),
            None => message::over_bound(self.max_record),
        }
    }
}

impl<R: Read> Iterator for Splitter<R> {
    type Item = Result<RawRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

#[cfg(test)]
#[path = "split_tests.rs"]
pub(super) mod tests;
