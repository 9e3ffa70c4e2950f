//! The splitter's read buffer: input read in large chunks, the unconsumed
//! part kept (and compacted) so a record can be looked at whole however
//! the reads fell, the line number and column-0 state of the current
//! position, and lines measured up to the record bound.

use std::io::{self, Read};

pub(super) const CHUNK: usize = 256 * 1024;

pub(super) struct Buffer<R> {
    reader: R,
    /// Read into up to `filled`; the rest is zeroed once when the buffer
    /// grows, not before every read.
    buf: Vec<u8>,
    filled: usize,
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
    /// The record bound: lines are looked for no further than just past it.
    max_record: usize,
}

impl<R: Read> Buffer<R> {
    pub(super) fn new(reader: R, max_record: usize) -> Self {
        Buffer {
            reader,
            buf: Vec::new(),
            filled: 0,
            base: 0,
            pos: 0,
            line: 1,
            at_line_start: true,
            eof: false,
            started: false,
            max_record,
        }
    }

    /// Absolute offset in the input of the current position.
    pub(super) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Line number of the current position.
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    /// Whether the current position is at column 0.
    pub(super) fn at_line_start(&self) -> bool {
        self.at_line_start
    }

    /// Takes the current position as not at column 0 (a bad record's
    /// first line is skipped before resynchronising).
    pub(super) fn leave_line_start(&mut self) {
        self.at_line_start = false;
    }

    /// Whether the whole input has been read.
    pub(super) fn eof(&self) -> bool {
        self.eof
    }

    /// Unconsumed bytes in the buffer.
    pub(super) fn available(&self) -> usize {
        self.filled - self.pos
    }

    /// The unconsumed bytes.
    pub(super) fn rest(&self) -> &[u8] {
        &self.buf[self.pos..self.filled]
    }

    /// The buffered bytes from absolute offset `at` (at or after the start
    /// of the buffer) on.
    pub(super) fn buffered_from(&self, at: u64) -> &[u8] {
        let from = (at - self.base) as usize;
        self.buf[..self.filled].get(from..).unwrap_or_default()
    }

    /// Reads more input. Returns false at end of input.
    pub(super) fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 && (self.pos >= self.filled / 2 || self.filled + CHUNK > self.buf.len()) {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let old = self.filled;
        if old + CHUNK > self.buf.len() {
            self.buf.resize(old + CHUNK, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[old..old + CHUNK]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.filled = old + n.min(CHUNK);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Ensures at least `n` unconsumed bytes, or as many as the input has.
    pub(super) fn want(&mut self, n: usize) -> io::Result<bool> {
        while self.available() < n {
            if !self.fill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Consumes `n` bytes, keeping the line count.
    pub(super) fn advance(&mut self, n: usize) {
        let consumed = &self.buf[self.pos..self.pos + n];
        self.line += memchr::memchr_iter(b'\n', consumed).count() as u64;
        if let Some(&last) = consumed.last() {
            self.at_line_start = last == b'\n';
        }
        self.pos += n;
    }

    /// Consumes `n` bytes with no newline among them (a one-line record,
    /// measured to end before its line does): nothing to count.
    pub(super) fn advance_in_line(&mut self, n: usize) {
        debug_assert!(!self.rest()[..n].contains(&b'\n'));
        if n > 0 {
            self.at_line_start = false;
        }
        self.pos += n;
    }

    /// Skips whitespace (and a UTF-8 byte order mark at the very start).
    /// Returns false at end of input.
    pub(super) fn skip_whitespace(&mut self) -> io::Result<bool> {
        if !self.started {
            self.started = true;
            self.want(3)?;
            if self.rest().starts_with(b"\xEF\xBB\xBF") {
                self.pos += 3;
            }
        }
        loop {
            let rest = self.rest();
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
    pub(super) fn line_len(&mut self) -> io::Result<usize> {
        self.line_len_at(0)
    }

    /// The length of the line starting `rel` bytes after the current
    /// position, reading as needed. A line with no newline within the record
    /// bound is cut just past it, wherever the reads happened to end, so
    /// that what the splitter sees never depends on how the input arrived.
    /// 0 at end of input.
    pub(super) fn line_len_at(&mut self, rel: usize) -> io::Result<usize> {
        let limit = self.max_record.saturating_add(1);
        let mut searched = 0;
        loop {
            let start = self.pos + rel;
            let end = self.filled.min(start.saturating_add(limit));
            if let Some(i) = memchr::memchr(b'\n', &self.buf[start + searched..end]) {
                return Ok(searched + i + 1);
            }
            searched = end - start;
            if searched >= limit || !self.fill()? {
                return Ok(searched);
            }
        }
    }

    /// Whether the bytes just consumed end in a line cut at the record
    /// bound rather than at a newline.
    pub(super) fn after_cut_line(&self) -> bool {
        self.pos > 0 && self.buf[self.pos - 1] != b'\n'
    }
}

/// A line without its line end (LF or CR LF).
pub(super) fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
