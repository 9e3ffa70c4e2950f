//! What one scan past a bad record learns about the records that may start
//! inside it, so that resynchronising costs linear time.
//!
//! After a bad record the splitter tries the next line that starts with `{`
//! or `[`, then the next, and so on. Scanning each of those afresh to its
//! end is quadratic: ten thousand lines of `{` that never close took
//! seconds, a 16 MiB file of them would not finish. One scan records where
//! every such start ends instead.
//!
//! It works because every scan is in the same state at the start of a line:
//! outside any string (a raw newline cannot be inside a valid JSON string, so
//! here it ends one). Scans from different starts then differ only by their
//! depth, and the record starting at a line ends where this scan's depth
//! first returns to what it was before that line. Good records come out the
//! same as from a fresh scan (they have no raw newline in a string); only
//! where a bad record ends can differ, and that decides nothing.

use std::collections::{BTreeMap, VecDeque};

use super::scan::{InString, string_end};

/// What the lookahead knows about a record start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Known {
    /// The record ends at this absolute offset (exclusive).
    End(u64),
    /// The record is still open where the scan has got to.
    Open,
    /// Not a place where this scan saw a record start.
    Unknown,
}

#[derive(Debug)]
pub(super) struct Lookahead {
    /// Absolute offset of the next byte to scan.
    at: u64,
    depth: usize,
    in_string: bool,
    escape: bool,
    /// Where a raw newline last ended a string.
    last_broken_string: Option<u64>,
    /// `at` is at the start of a line.
    line_start: bool,
    /// Only whitespace since a record start closed: a `{` or `[` here starts
    /// the next, concatenated record.
    after_close: bool,
    /// Record starts not closed yet, with the depth before each, in order.
    open: VecDeque<(u64, usize)>,
    /// Record starts that closed, and where they end.
    closed: BTreeMap<u64, u64>,
}

impl Lookahead {
    /// A lookahead from `start`, the first byte of the bad record.
    pub(super) fn new(start: u64) -> Lookahead {
        Lookahead {
            at: start,
            depth: 0,
            in_string: false,
            escape: false,
            last_broken_string: None,
            line_start: false,
            after_close: false,
            open: VecDeque::new(),
            closed: BTreeMap::new(),
        }
    }

    /// Absolute offset the scan has reached.
    pub(super) fn at(&self) -> u64 {
        self.at
    }

    /// Whether a record from `start` that is unterminated at the end of
    /// input is so because of a string (for the message, as a fresh scan
    /// would say it).
    pub(super) fn unterminated_string(&self, start: u64) -> bool {
        self.in_string || self.last_broken_string.is_some_and(|at| at >= start)
    }

    /// What is known about a record starting at `start`. Forgets every start
    /// before it: the splitter only moves forward.
    pub(super) fn known(&mut self, start: u64) -> Known {
        while let Some(entry) = self.closed.first_entry() {
            if *entry.key() >= start {
                break;
            }
            entry.remove();
        }
        let stale = self.open.partition_point(|&(s, _)| s < start);
        self.open.drain(..stale);
        if let Some(end) = self.closed.remove(&start) {
            return Known::End(end);
        }
        if self.open.front().is_some_and(|&(s, _)| s == start) {
            return Known::Open;
        }
        Known::Unknown
    }

    /// Scans `data`, the bytes from `at` on.
    pub(super) fn scan(&mut self, data: &[u8]) {
        let mut i = 0;
        while i < data.len() {
            if self.in_string {
                match string_end(&data[i..], self.escape) {
                    InString::Closed(j) => {
                        self.in_string = false;
                        self.escape = false;
                        i += j + 1;
                    }
                    InString::Broken(j) => {
                        self.in_string = false;
                        self.escape = false;
                        self.line_start = true;
                        self.last_broken_string = Some(self.at + (i + j) as u64);
                        i += j + 1;
                    }
                    InString::Open { escape } => {
                        self.escape = escape;
                        i = data.len();
                    }
                }
                continue;
            }
            let b = data[i];
            let starts = matches!(b, b'{' | b'[') && (self.line_start || self.after_close);
            self.line_start = b == b'\n';
            if !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                self.after_close = false;
            }
            match b {
                b'{' | b'[' => {
                    if starts {
                        self.open.push_back((self.at + i as u64, self.depth));
                    }
                    self.depth += 1;
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if let Some(&(start, depth)) = self.open.back()
                        && depth == self.depth
                    {
                        self.open.pop_back();
                        self.closed.insert(start, self.at + i as u64 + 1);
                        self.after_close = true;
                    }
                }
                b'"' => self.in_string = true,
                _ => {}
            }
            i += 1;
        }
        self.at += data.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(data: &[u8]) -> Lookahead {
        let mut la = Lookahead::new(0);
        la.scan(data);
        la
    }

    #[test]
    fn line_starts_end_where_a_fresh_scan_would() {
        // The bad record at 0 never closes; the lines inside it do.
        let data = b"{\"d\":\n{\"e\":5}\n[1,{\"f\":\"}\"}]\n{\n";
        let mut la = scanned(data);
        assert_eq!(la.known(6), Known::End(13));
        assert_eq!(la.known(14), Known::End(27));
        assert_eq!(la.known(28), Known::Open);
        assert_eq!(la.known(29), Known::Unknown);
    }

    #[test]
    fn concatenated_records_after_a_close() {
        let mut la = scanned(b"{\n{}{\"a\":[]} [1]x{}\n");
        assert_eq!(la.known(2), Known::End(4));
        assert_eq!(la.known(4), Known::End(12));
        assert_eq!(la.known(13), Known::End(16));
        // After `x` a `{` is no record start.
        assert_eq!(la.known(17), Known::Unknown);
    }

    #[test]
    fn a_newline_ends_a_string_so_lines_start_outside_one() {
        // A fresh scan from line 2 sees no string before its `}`.
        let mut la = scanned(b"{\"a\n{\"b\":1}\n{\"c\\\n{}\n");
        assert_eq!(la.known(4), Known::End(11));
        assert_eq!(la.known(17), Known::End(19));
    }

    #[test]
    fn scanning_in_pieces_is_scanning_at_once() {
        let data = b"[\n{\"k\":\"v\\\"}\"}\n  {\n{\"x\":[\n]}\n";
        let mut whole = scanned(data);
        for cut in 0..data.len() {
            let mut la = Lookahead::new(0);
            la.scan(&data[..cut]);
            la.scan(&data[cut..]);
            for start in 0..data.len() as u64 {
                assert_eq!(
                    la.known(start),
                    whole.known(start),
                    "cut {cut} start {start}"
                );
            }
            whole = scanned(data);
        }
    }
}
