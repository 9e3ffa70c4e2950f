//! The splitter's read buffer: input read in large chunks, the unconsumed
//! part kept so a record can be looked at whole however the reads fell,
//! the line number and column-0 state of the current position, and lines
//! measured up to the record bound.
//!
//! A one-line record is handed on as a shared slice of the buffer
//! ([`Buffer::take`]), not copied: the buffer's storage lives on while
//! records in it do, and reads go on into its free end or, once that is
//! used up, into new storage (the old one reused when nothing holds it).

use std::io::{self, Read};

use bytes::{Bytes, BytesMut};

pub(super) const CHUNK: usize = 256 * 1024;
/// Read into the free end of the storage while it has this much room; a
/// trickling input (a pipe's small writes) fills a storage before it moves
/// to the next, so records in flight hold few storages.
const MIN_READ: usize = CHUNK / 4;

pub(super) struct Buffer<R> {
    reader: R,
    /// Read into up to `filled`; the rest is zeroed room for reads, zeroed
    /// once when storage is added, not before every read.
    buf: BytesMut,
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
            buf: BytesMut::new(),
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
        if self.pos > 0 {
            // The consumed bytes let go of (no copy): records taken from
            // them keep what they need.
            drop(self.buf.split_to(self.pos));
            self.filled -= self.pos;
            self.base += self.pos as u64;
            self.pos = 0;
        }
        if self.buf.len() - self.filled < MIN_READ {
            // New room: in place when nothing else holds the storage (the
            // unconsumed bytes moved to its front), else in new storage
            // with them copied; zeroed once, then read into.
            self.buf.truncate(self.filled);
            self.buf.reserve(CHUNK);
            self.buf.resize(self.filled + CHUNK, 0);
        }
        let end = self.buf.len().min(self.filled + CHUNK);
        loop {
            match self.reader.read(&mut self.buf[self.filled..end]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.filled += n.min(end - self.filled);
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

    /// Takes the next `len` bytes, with no newline among them (a one-line
    /// record, measured to end before its line does: no line to count), as
    /// a slice that shares the buffer's storage.
    pub(super) fn take(&mut self, len: usize) -> Bytes {
        debug_assert!(!self.rest()[..len].contains(&b'\n'));
        if len > 0 {
            self.at_line_start = false;
        }
        let taken = self.pos + len;
        let mut front = self.buf.split_to(taken);
        let record = front.split_off(self.pos).freeze();
        self.filled -= taken;
        self.base += taken as u64;
        self.pos = 0;
        record
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

#[cfg(test)]
mod tests {
    use super::super::split::tests::Trickle;
    use super::*;

    /// Records taken stay as they were read while the buffer reads on,
    /// and a trickling input does not get a storage per read: the records
    /// held share few storages (counted where one record does not follow
    /// the one before it in memory).
    #[test]
    fn taken_records_share_few_storages() {
        let records: Vec<String> = (0..20_000).map(|i| format!("{{\"n\":{i:>90}}}")).collect();
        let data = records.join("\n");
        let mut input = Buffer::new(
            Trickle {
                data: data.as_bytes(),
                step: 7,
            },
            1 << 20,
        );
        let mut taken: Vec<Bytes> = Vec::new();
        for record in &records {
            assert!(input.skip_whitespace().unwrap());
            input.want(record.len()).unwrap();
            taken.push(input.take(record.len()));
        }
        assert!(!input.skip_whitespace().unwrap());
        for (record, bytes) in records.iter().zip(&taken) {
            assert_eq!(record.as_bytes(), &bytes[..]);
        }
        let storages = 1 + taken
            .windows(2)
            .filter(|w| w[0].as_ptr().wrapping_add(w[0].len() + 1) != w[1].as_ptr())
            .count();
        // Each storage is read into until less than MIN_READ of it is left.
        let most = data.len() / (CHUNK / 2) + 2;
        assert!(
            storages <= most,
            "{storages} storages for {} bytes",
            data.len()
        );
    }
}
