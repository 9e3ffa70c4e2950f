//! Splits a byte stream into records without holding more than one record in
//! memory: JSON documents (pretty, NDJSON or concatenated) and raw HTTP/1.1
//! request captures. A malformed record costs only itself: the splitter
//! resynchronises at the next line after the bad record's first line that
//! begins a JSON value (or an HTTP request) at column 0.

use std::io::{self, Read};
use std::sync::Arc;

use super::probe::{self, Probe};
use crate::json::Kind;

use super::headers::Headers;
use super::location::{Location, RecordError};
use super::lookahead::{Known, Lookahead};
use super::scan::{JsonScan, depth_scan, scan_json};

const CHUNK: usize = 256 * 1024;

/// Bytes of unexpected text read before quoting it (24 characters of up
/// to 4 bytes).
const PREVIEW: usize = 96;

/// The default bound on one record's size (16 MiB).
pub const DEFAULT_MAX_RECORD: usize = 16 * 1024 * 1024;

/// A record as found in the stream, before capture records are unwrapped.
#[derive(Debug)]
pub enum Raw {
    /// A JSON document: its exact bytes (checked to be valid JSON), and
    /// what the same pass found out about it (`Err(kind)`: not an object).
    Json {
        bytes: Vec<u8>,
        probe: Result<Probe, Kind>,
    },
    /// A JSON record on a line of its own whose checks are left to the
    /// thread that uses it ([`Splitter::deferring`]): its end was found,
    /// it nests no deeper than the limit, and rejecting it would resume
    /// the stream exactly where accepting it does. [`RawRecord::checked`]
    /// checks it, with the splitter's own error when it is bad.
    Unchecked { bytes: Vec<u8> },
    /// An HTTP request capture: the request line, headers and exact body.
    Http {
        method: String,
        path: String,
        headers: Headers,
        body: Vec<u8>,
    },
}

impl Raw {
    /// A JSON document given whole (not found in a stream): validated and
    /// probed like the splitter's.
    pub fn document(bytes: Vec<u8>) -> Result<Raw, serde_json::Error> {
        let probe = Probe::of(&bytes)?;
        Ok(Raw::Json { bytes, probe })
    }
}

#[derive(Debug)]
pub struct RawRecord {
    pub location: Location,
    pub raw: Raw,
}

impl RawRecord {
    /// The record with its checks done: an [`Raw::Unchecked`] one is
    /// validated and probed here (see [`check_line`]). Others pass
    /// unchanged.
    pub fn checked(self) -> Result<RawRecord, RecordError> {
        let RawRecord { location, raw } = self;
        let raw = match raw {
            Raw::Unchecked { bytes } => {
                let probe = check_line(&location, &bytes)?;
                Raw::Json { bytes, probe }
            }
            raw => raw,
        };
        Ok(RawRecord { location, raw })
    }
}

/// Checks and probes the bytes of a [`Raw::Unchecked`] record found at
/// `location`; a bad one gives the very error the splitter would have
/// given in its place.
pub fn check_line(location: &Location, bytes: &[u8]) -> Result<Result<Probe, Kind>, RecordError> {
    Probe::of_line(bytes)
        .map_err(|e| RecordError::new(location.clone(), json_error_message(&e, location.line)))
}

pub struct Splitter<R> {
    reader: R,
    source: Arc<str>,
    buf: Vec<u8>,
    /// Absolute offset in the input of `buf[0]`.
    base: u64,
    /// Start of unconsumed data in `buf`.
    pos: usize,
    /// Line number of `buf[pos]`.
    line: u64,
    /// Whether `buf[pos]` is at column 0.
    at_line_start: bool,
    eof: bool,
    started: bool,
    resync: bool,
    failed: bool,
    max_record: usize,
    /// What the scan of the last bad JSON record learnt about the records
    /// that may start inside it (see `lookahead.rs`).
    lookahead: Option<Lookahead>,
    /// Bytes examined by the scans and the probe, rescans included.
    scanned: u64,
    /// What is known of the input's UTF-8, so that records nested in a bad
    /// one are not checked again byte by byte (quadratic over a resync).
    utf8: Utf8Seen,
    /// Whether one-line records may be handed on unchecked.
    defer: bool,
}

/// A stretch of the input known to be UTF-8: `from..to` (absolute offsets,
/// both at character boundaries), and whether the bytes at `to` are known
/// not to begin a character, whatever follows them.
#[derive(Default)]
struct Utf8Seen {
    from: u64,
    to: u64,
    bad: bool,
}

impl<R: Read> Splitter<R> {
    pub fn new(reader: R, source: Arc<str>, max_record: usize) -> Self {
        Splitter {
            reader,
            source,
            buf: Vec::with_capacity(CHUNK),
            base: 0,
            pos: 0,
            line: 1,
            at_line_start: true,
            eof: false,
            started: false,
            resync: false,
            failed: false,
            max_record,
            lookahead: None,
            scanned: 0,
            utf8: Utf8Seen::default(),
            defer: false,
        }
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

    /// Absolute offset in the input of the current position.
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn location(&self, line: u64) -> Location {
        Location::new(self.source.clone(), line)
    }

    /// Unconsumed bytes in the buffer.
    fn available(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Reads more input. Returns false at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0
            && (self.pos >= self.buf.len() / 2 || self.buf.len() + CHUNK > self.buf.capacity())
        {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        loop {
            match self.reader.read(&mut self.buf[old..]) {
                Ok(0) => {
                    self.buf.truncate(old);
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.buf.truncate(old + n);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        }
    }

    /// Ensures at least `n` unconsumed bytes, or as many as the input has.
    fn want(&mut self, n: usize) -> io::Result<bool> {
        while self.available() < n {
            if !self.fill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Consumes `n` bytes, keeping the line count.
    fn advance(&mut self, n: usize) {
        let consumed = &self.buf[self.pos..self.pos + n];
        self.line += memchr::memchr_iter(b'\n', consumed).count() as u64;
        if let Some(&last) = consumed.last() {
            self.at_line_start = last == b'\n';
        }
        self.pos += n;
    }

    /// Skips whitespace (and a UTF-8 byte order mark at the very start).
    /// Returns false at end of input.
    fn skip_whitespace(&mut self) -> io::Result<bool> {
        if !self.started {
            self.started = true;
            self.want(3)?;
            if self.buf[self.pos..].starts_with(b"\xEF\xBB\xBF") {
                self.pos += 3;
            }
        }
        loop {
            let rest = &self.buf[self.pos..];
            let n = rest
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .unwrap_or(rest.len());
            self.advance(n);
            if self.available() > 0 {
                return Ok(true);
            }
            if !self.fill()? {
                return Ok(false);
            }
        }
    }

    /// The length of the current line (to and including its `\n`).
    fn line_len(&mut self) -> io::Result<usize> {
        self.line_len_at(0)
    }

    /// The length of the line starting `rel` bytes after the current
    /// position, reading as needed. A line with no newline within the record
    /// bound is cut just past it, wherever the reads happened to end, so
    /// that what the splitter sees never depends on how the input arrived.
    /// 0 at end of input.
    fn line_len_at(&mut self, rel: usize) -> io::Result<usize> {
        let limit = self.max_record.saturating_add(1);
        let mut searched = 0;
        loop {
            let start = self.pos + rel;
            let end = self.buf.len().min(start.saturating_add(limit));
            if let Some(i) = memchr::memchr(b'\n', &self.buf[start + searched..end]) {
                return Ok(searched + i + 1);
            }
            searched = end - start;
            if searched >= limit || !self.fill()? {
                return Ok(searched);
            }
        }
    }

    /// Skips lines until one begins, at column 0, with a JSON value or an
    /// HTTP request line. Returns false at end of input.
    fn skip_to_record_line(&mut self) -> io::Result<bool> {
        loop {
            if !self.at_line_start {
                let n = self.line_len()?;
                self.advance(n);
                if n == 0 {
                    return Ok(false);
                }
                // A line cut at the record bound is not a line start.
                if self.pos > 0 && self.buf[self.pos - 1] != b'\n' {
                    continue;
                }
            }
            if !self.want(1)? {
                return Ok(false);
            }
            if self.starts_record()? {
                return Ok(true);
            }
            self.at_line_start = false;
        }
    }

    /// Whether the bytes at the current line start begin a record.
    fn starts_record(&mut self) -> io::Result<bool> {
        match self.buf[self.pos] {
            b'{' | b'[' => Ok(true),
            b'A'..=b'Z' => {
                let n = self.line_len()?;
                Ok(is_request_line(&self.buf[self.pos..self.pos + n]))
            }
            _ => Ok(false),
        }
    }

    /// Marks the record starting at the current position as bad: skip its
    /// first line and resynchronise from there on the next call.
    fn reject(&mut self, line: u64, message: impl Into<String>) -> RecordError {
        self.at_line_start = false;
        self.resync = true;
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
                    self.location(self.line),
                    format!("read error: {e}"),
                )))
            }
        }
    }

    fn next_inner(&mut self) -> io::Result<Option<Result<RawRecord, RecordError>>> {
        if self.resync {
            self.resync = false;
            if !self.skip_to_record_line()? {
                return Ok(None);
            }
        }
        if !self.skip_whitespace()? {
            return Ok(None);
        }
        let line = self.line;
        let first = self.buf[self.pos];
        if first == b'{' || first == b'[' {
            return self.json_record(line).map(Some);
        }
        if self.at_line_start && first.is_ascii_uppercase() {
            let n = self.line_len()?;
            if is_request_line(&self.buf[self.pos..self.pos + n]) {
                return self.http_record(line).map(Some);
            }
        }
        // Enough of the line to quote, however the input was read.
        self.want(PREVIEW)?;
        let preview = &self.buf[self.pos..self.buf.len().min(self.pos + PREVIEW)];
        let what = describe_start(preview);
        Ok(Some(Err(self.reject(
            line,
            format!("{what}: expected a JSON object or an HTTP request"),
        ))))
    }

    fn json_record(&mut self, line: u64) -> io::Result<Result<RawRecord, RecordError>> {
        let known = match self.known_end(line)? {
            Some(Ok(len)) => Some(len),
            Some(Err(message)) => return Ok(Err(self.reject(line, message))),
            None => None,
        };
        let mut scan = JsonScan::default();
        let len = loop {
            if let Some(len) = known {
                break len;
            }
            let from = scan.offset;
            let end = scan_json(&mut scan, &self.buf[self.pos..]);
            self.scanned += (end.unwrap_or(scan.offset) - from) as u64;
            if let Some(len) = end {
                break len;
            }
            if self.available() > self.max_record {
                let message = self.over_bound_message(line);
                return Ok(Err(self.reject_json(line, false, message)));
            }
            if !self.fill()? {
                let what = if scan.in_string || scan.broken_string {
                    "string"
                } else {
                    "JSON value"
                };
                return Ok(Err(self.reject_json(
                    line,
                    false,
                    format!("malformed JSON: unterminated {what} at end of input"),
                )));
            }
        };
        if len > self.max_record {
            let message = self.over_bound_message(line);
            return Ok(Err(self.reject_json(line, known.is_some(), message)));
        }
        if self.defer
            && known.is_none()
            && !scan.newline
            && scan.max_depth <= probe::MAX_DEPTH
            && self.resumes_alike(len)
        {
            let bytes = self.buf[self.pos..self.pos + len].to_vec();
            self.advance(len);
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
        let probed = self.check_utf8(len).and_then(|()| {
            let too_deep_at = self.too_deep_at(len, depth);
            let bytes = &self.buf[self.pos..self.pos + len];
            let probed = Probe::of_checked(bytes, too_deep_at);
            self.scanned += parsed_len(bytes, too_deep_at, probed.as_ref().err()) as u64;
            probed
        });
        let bytes = &self.buf[self.pos..self.pos + len];
        match probed {
            Ok(probe) => {
                let bytes = bytes.to_vec();
                self.advance(len);
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
        let after = &self.buf[self.pos + len..];
        let run = after
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .unwrap_or(after.len());
        match after.get(run) {
            Some(b'{' | b'[') => run > 0 && after[run - 1] == b'\n',
            Some(_) => false,
            None => self.eof,
        }
    }

    /// Checks that the `len` bytes of the record at the current position are
    /// UTF-8, reading only what no earlier record has covered: records
    /// that start inside a bad one share its bytes.
    fn check_utf8(&mut self, len: usize) -> Result<(), serde_json::Error> {
        let start = self.offset();
        let end = start + len as u64;
        let seen = &mut self.utf8;
        // A record starts with `{` or `[`, so inside a known stretch it
        // starts at a character boundary.
        if !(seen.from <= start && start <= seen.to) {
            *seen = Utf8Seen {
                from: start,
                to: start,
                bad: false,
            };
        }
        if seen.to >= end {
            return Ok(());
        }
        if !seen.bad {
            let from = (seen.to - self.base) as usize;
            let rest = &self.buf[from..self.pos + len];
            self.scanned += rest.len() as u64;
            if simdutf8::basic::from_utf8(rest).is_ok() {
                seen.to = end;
                return Ok(());
            }
            // The fast check says only whether; the standard one says where.
            if let Err(e) = std::str::from_utf8(rest) {
                seen.to += e.valid_up_to() as u64;
                // An incomplete character at the end may yet be completed
                // by the bytes after this record.
                seen.bad = e.error_len().is_some();
            }
        }
        Err(probe::not_utf8((seen.to - start) as usize))
    }

    /// Where the `len` bytes of the record at the current position first
    /// nest too deep, if they do. A depth the scan counted says whether
    /// they do; only then is the place looked for.
    fn too_deep_at(&mut self, len: usize, depth: Option<usize>) -> Option<usize> {
        if depth.is_some_and(|depth| depth <= probe::MAX_DEPTH) {
            return None;
        }
        let (at, read) = depth_scan(&self.buf[self.pos..self.pos + len], probe::MAX_DEPTH);
        self.scanned += read as u64;
        at
    }

    /// Rejects a JSON record. Unless a lookahead already covers it, scans it
    /// once more to learn where each record that may start inside it ends, so
    /// that resynchronising does not rescan it from every line.
    fn reject_json(&mut self, line: u64, known: bool, message: String) -> RecordError {
        if !known {
            let mut lookahead = Lookahead::new(self.offset());
            lookahead.scan(&self.buf[self.pos..]);
            self.scanned += self.available() as u64;
            self.lookahead = Some(lookahead);
        }
        self.reject(line, message)
    }

    /// The length of the JSON record at the current position when the
    /// lookahead saw it start, or why it is bad (unterminated, over the
    /// bound). `None` when the lookahead knows nothing of it.
    fn known_end(&mut self, line: u64) -> io::Result<Option<Result<usize, String>>> {
        let Some(mut lookahead) = self.lookahead.take() else {
            return Ok(None);
        };
        let start = self.offset();
        let known = loop {
            match lookahead.known(start) {
                Known::Unknown => return Ok(None),
                Known::End(end) => break Ok((end - start) as usize),
                Known::Open => {}
            }
            if lookahead.at() - start > self.max_record as u64 {
                break Err(self.over_bound_message(line));
            }
            let from = (lookahead.at() - self.base) as usize;
            if from < self.buf.len() {
                lookahead.scan(&self.buf[from..]);
                self.scanned += (self.buf.len() - from) as u64;
            } else if !self.fill()? {
                let what = if lookahead.unterminated_string(start) {
                    "string"
                } else {
                    "JSON value"
                };
                break Err(format!(
                    "malformed JSON: unterminated {what} at end of input"
                ));
            }
        };
        self.lookahead = Some(lookahead);
        Ok(Some(known))
    }

    /// Why a record that does not end within the bound is bad: its first
    /// syntax error when it has one (a broken line that never closes is no
    /// matter of the bound, and raising it would not help), else the bound.
    /// Only the bytes within the bound count, however many were read.
    fn over_bound_message(&mut self, line: u64) -> String {
        let len = self.available().min(self.max_record.saturating_add(1));
        let bytes = &self.buf[self.pos..self.pos + len];
        // As for any record, the parse stops where the text first nests
        // too deep, rather than read on through every level.
        let (too_deep_at, read) = depth_scan(bytes, probe::MAX_DEPTH);
        self.scanned += read as u64;
        let checked = probe::check_syntax(bytes, too_deep_at);
        self.scanned += parsed_len(bytes, too_deep_at, checked.as_ref().err()) as u64;
        match checked {
            Err(e) if !e.is_eof() => json_error_message(&e, line),
            _ => format!(
                "record exceeds the {} byte bound (raise it with --max-record-size)",
                self.max_record
            ),
        }
    }

    fn http_record(&mut self, line: u64) -> io::Result<Result<RawRecord, RecordError>> {
        // Request line.
        let n = self.line_len()?;
        let request =
            String::from_utf8_lossy(trim_eol(&self.buf[self.pos..self.pos + n])).into_owned();
        let mut parts = request.split(' ');
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        // Header lines, up to the blank line; offsets relative to pos.
        let mut offset = n;
        let mut headers = Headers::new();
        let mut header_line = line;
        loop {
            header_line += 1;
            if offset > self.max_record {
                return Ok(Err(self.reject(
                    line,
                    format!(
                        "HTTP capture: headers exceed the {} byte bound",
                        self.max_record
                    ),
                )));
            }
            let len = self.line_len_at(offset)?;
            if len > self.max_record {
                return Ok(Err(self.reject(
                    line,
                    format!(
                        "HTTP capture: header line {header_line} exceeds the {} byte bound",
                        self.max_record
                    ),
                )));
            }
            if len == 0 || self.buf[self.pos + offset + len - 1] != b'\n' {
                return Ok(Err(self.reject(
                    line,
                    "truncated HTTP capture: no blank line after the headers",
                )));
            }
            let raw_line = trim_eol(&self.buf[self.pos + offset..self.pos + offset + len]);
            offset += len;
            if raw_line.is_empty() {
                break;
            }
            let text = String::from_utf8_lossy(raw_line);
            if text.starts_with([' ', '\t']) {
                // Obsolete line folding: a continuation of the previous value.
                if let Some(value) = headers.last_value_mut() {
                    value.push(' ');
                    value.push_str(text.trim());
                    continue;
                }
            }
            let Some((name, value)) = text.split_once(':') else {
                return Ok(Err(self.reject(
                    line,
                    format!("HTTP capture: header line {header_line} has no ':'"),
                )));
            };
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Ok(Err(self.reject(
                    line,
                    format!("HTTP capture: header line {header_line} has no valid name"),
                )));
            }
            headers.push(name, value.trim());
        }
        if headers
            .get("transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
        {
            return Ok(Err(self.reject(
                line,
                "HTTP capture: chunked transfer encoding is not supported (capture the decoded body with a Content-Length)",
            )));
        }
        let lengths: Vec<&str> = headers.get_all("content-length").collect();
        let body_len = match lengths.as_slice() {
            [] => None,
            [first, rest @ ..] if rest.iter().all(|v| v == first) => match first.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => {
                    return Ok(Err(self.reject(
                        line,
                        format!("HTTP capture: Content-Length {first:?} is not a number"),
                    )));
                }
            },
            _ => {
                return Ok(Err(
                    self.reject(line, "HTTP capture: conflicting Content-Length headers")
                ));
            }
        };
        let body_len = match body_len {
            Some(n) => {
                if n > self.max_record {
                    return Ok(Err(self.reject(
                        line,
                        format!(
                            "HTTP capture: Content-Length {n} exceeds the {} byte bound (raise it with --max-record-size)",
                            self.max_record
                        ),
                    )));
                }
                // Saturating: the bound may be as large as usize, and a
                // length that large is truncated input in any case.
                if !self.want(offset.saturating_add(n))? {
                    let have = self.available() - offset;
                    return Ok(Err(self.reject(
                        line,
                        format!(
                            "truncated HTTP capture: Content-Length is {n} but only {have} bytes follow"
                        ),
                    )));
                }
                n
            }
            None => match self.body_to_next_request(offset)? {
                Some(n) => n,
                None => {
                    return Ok(Err(self.reject(
                        line,
                        format!(
                            "HTTP capture: body exceeds the {} byte bound (raise it with --max-record-size)",
                            self.max_record
                        ),
                    )));
                }
            },
        };
        let body = self.buf[self.pos + offset..self.pos + offset + body_len].to_vec();
        self.advance(offset + body_len);
        Ok(Ok(RawRecord {
            location: self.location(line),
            raw: Raw::Http {
                method,
                path,
                headers,
                body,
            },
        }))
    }

    /// Without a Content-Length the body runs to the next request line at
    /// column 0, or to the end of input. `None` when it exceeds the bound.
    fn body_to_next_request(&mut self, offset: usize) -> io::Result<Option<usize>> {
        let mut at = offset;
        loop {
            let n = self.line_len_at(at)?;
            let line = &self.buf[self.pos + at..self.pos + at + n];
            if n == 0 || is_request_line(line) {
                return Ok(Some(at - offset));
            }
            at += n;
            if at - offset > self.max_record {
                return Ok(None);
            }
        }
    }
}

impl<R: Read> Iterator for Splitter<R> {
    type Item = Result<RawRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

/// How far the check of a record's syntax read: to its error, or to where
/// the record nests too deep (where the parse stops), or all of it. (For
/// the splitter's count of the bytes it examines.)
fn parsed_len(
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

/// `METHOD SP target SP HTTP/x.y`, with an optional CR before the LF.
pub fn is_request_line(line: &[u8]) -> bool {
    let line = trim_eol(line);
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !method.is_empty()
        && method.len() <= 16
        && method.iter().all(u8::is_ascii_uppercase)
        && !target.is_empty()
        && version.starts_with(b"HTTP/")
        && version.len() > 5
        && version[5..]
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b'.')
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
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

#[cfg(test)]
mod tests {
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

    #[test]
    fn request_line_detection() {
        assert!(is_request_line(b"POST /webhook HTTP/1.1\r\n"));
        assert!(is_request_line(b"GET / HTTP/2"));
        assert!(!is_request_line(b"POST /webhook\n"));
        assert!(!is_request_line(b"post / HTTP/1.1"));
        assert!(!is_request_line(b"POST / HTTP/1.1 extra"));
    }
}
