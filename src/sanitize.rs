//! Text from input made safe for a terminal.
//!
//! A payload is untrusted, and a terminal obeys the control characters in
//! what it is sent: an OSC sequence rewrites the window title or, on some
//! terminals, the clipboard; CSI sequences move the cursor, clear the
//! screen or hide text. Every string that comes from input is passed
//! through [`escape`] before it is written as text for people, so that C0
//! controls other than newline and tab, DEL, and C1 controls (U+0080 to
//! U+009F) are shown as `\u{1b}` and never emitted.
//!
//! [`TerminalWriter`] is the second line of defence, on the whole output
//! of a command that writes for people: it escapes the same characters in
//! whatever reaches it, keeping (when colour is on) only the tool's own
//! colour codes, which are SGR sequences `ESC [ digits ; ... m`.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io::{self, Write};

/// Whether `c` is escaped: a C0 control other than tab and newline, DEL,
/// or a C1 control.
pub fn is_unsafe(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Whether `text` may hold an unsafe character: a byte that is one, or
/// that starts one (a C1 control is `C2 80` to `C2 9F`). Checked 16 bytes
/// at a time, without decoding characters; `false` means there is none.
pub fn may_be_unsafe(text: &[u8]) -> bool {
    let (chunks, tail) = text.as_chunks::<16>();
    chunks
        .iter()
        .any(|chunk| chunk.iter().fold(false, |any, &b| any | needs_a_look(b)))
        || tail.iter().any(|&b| needs_a_look(b))
}

/// `text` with every unsafe character shown as `\u{HEX}`; borrowed when
/// there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !may_be_unsafe(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    match text.char_indices().find(|&(_, c)| is_unsafe(c)) {
        None => Cow::Borrowed(text),
        Some((first, _)) => {
            let mut out = String::with_capacity(text.len() + 8);
            out.push_str(&text[..first]);
            for c in text[first..].chars() {
                push_escaped(&mut out, c);
            }
            Cow::Owned(out)
        }
    }
}

fn push_escaped(out: &mut String, c: char) {
    if is_unsafe(c) {
        // Writing to a String cannot fail.
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// Displays a string with its unsafe characters escaped.
pub struct Safe<'a>(pub &'a str);

impl fmt::Display for Safe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

/// `text` escaped, except for well-formed SGR sequences (colour codes).
pub fn escape_keeping_sgr(text: &str) -> Cow<'_, str> {
    if !may_be_unsafe(text.as_bytes()) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' {
            let len = sgr_len(rest.as_bytes());
            if len > 0 {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        push_escaped(&mut out, c);
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Longest SGR sequence accepted: more parameters than any colour code
/// the tool writes.
const MAX_SGR: usize = 32;

/// The length of the SGR sequence `ESC [ (digit | ;)* m` at the start of
/// `bytes`, or 0 when there is none.
fn sgr_len(bytes: &[u8]) -> usize {
    match sgr_prefix(bytes) {
        Prefix::Complete(n) => n,
        Prefix::Partial | Prefix::No => 0,
    }
}

enum Prefix {
    /// An SGR sequence of this many bytes.
    Complete(usize),
    /// Could become one: the bytes ended first.
    Partial,
    No,
}

fn sgr_prefix(bytes: &[u8]) -> Prefix {
    for (i, &b) in bytes.iter().enumerate().take(MAX_SGR) {
        match (i, b) {
            (0, 0x1b) | (1, b'[') => {}
            (i, b'0'..=b'9' | b';') if i >= 2 => {}
            (i, b'm') if i >= 2 => return Prefix::Complete(i + 1),
            _ => return Prefix::No,
        }
    }
    if bytes.len() < MAX_SGR {
        Prefix::Partial
    } else {
        Prefix::No
    }
}

/// Whether a byte may start something [`TerminalWriter`] escapes or holds
/// back: a C0 control other than tab and newline (ESC among them), DEL, or
/// the lead byte of a C1 control's UTF-8.
fn needs_a_look(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b == 0x7f) | (b == 0xc2)
}

/// A writer that escapes unsafe characters in everything written through
/// it, keeping SGR colour codes when `keep_sgr` is set. Characters and
/// sequences split across writes are reassembled first.
pub struct TerminalWriter<W: Write> {
    inner: W,
    keep_sgr: bool,
    /// The unfinished end of the last write: part of a UTF-8 character or
    /// of an SGR sequence.
    pending: Vec<u8>,
}

impl<W: Write> TerminalWriter<W> {
    pub fn new(inner: W, keep_sgr: bool) -> TerminalWriter<W> {
        TerminalWriter {
            inner,
            keep_sgr,
            pending: Vec::new(),
        }
    }

    /// Writes out `bytes`, holding back an unfinished end unless `last`.
    fn process(&mut self, bytes: &[u8], last: bool) -> io::Result<()> {
        let mut out = Vec::with_capacity(bytes.len() + 16);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let rest = &bytes[i..];
            if b == 0x1b && self.keep_sgr {
                match sgr_prefix(rest) {
                    Prefix::Complete(n) => {
                        out.extend_from_slice(&rest[..n]);
                        i += n;
                        continue;
                    }
                    Prefix::Partial if !last => {
                        self.pending.extend_from_slice(rest);
                        break;
                    }
                    Prefix::Partial | Prefix::No => {}
                }
            }
            if b == 0xc2 && rest.len() == 1 && !last {
                self.pending.push(b);
                break;
            }
            let unsafe_c1 = b == 0xc2 && rest.get(1).is_some_and(|n| (0x80..=0x9f).contains(n));
            if unsafe_c1 {
                let _ = write!(out, "\\u{{{:x}}}", rest[1]);
                i += 2;
            } else if b < 0x80 && is_unsafe(char::from(b)) {
                let _ = write!(out, "\\u{{{b:x}}}");
                i += 1;
            } else {
                out.push(b);
                i += 1;
            }
        }
        self.inner.write_all(&out)
    }
}

impl<W: Write> Write for TerminalWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() && !may_be_unsafe(buf) {
            // Nearly every write: nothing to escape or to hold back.
            self.inner.write_all(buf)?;
        } else if self.pending.is_empty() {
            self.process(buf, false)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            self.process(&joined, false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.process(&pending, true)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for TerminalWriter<W> {
    fn drop(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let _ = self.process(&pending, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[31mRED\u{1b}[0m\u{1b}[2J";

    #[test]
    fn controls_are_shown_not_sent() {
        assert_eq!(
            escape(HOSTILE),
            "\\u{1b}]0;pwned\\u{7}\\u{1b}[31mRED\\u{1b}[0m\\u{1b}[2J"
        );
        assert_eq!(
            escape("a\u{9b}b\u{7f}c\r\0"),
            "a\\u{9b}b\\u{7f}c\\u{d}\\u{0}"
        );
        assert_eq!(escape("工单\ttab\nline é"), "工单\ttab\nline é");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(Safe("\u{1b}x").to_string(), "\\u{1b}x");
    }

    /// The quick check never misses: wherever a character is unsafe, it
    /// says the text may hold one.
    #[test]
    fn the_quick_check_never_misses() {
        for c in (0..=0x2ffu32).filter_map(char::from_u32) {
            for len in [0, 1, 15, 16, 17, 40] {
                let text = format!("{}{c}{}", "a".repeat(len), "b".repeat(len));
                if text.chars().any(is_unsafe) {
                    assert!(may_be_unsafe(text.as_bytes()), "{c:?}");
                }
                assert_eq!(escape(&text).contains("\\u{"), is_unsafe(c), "{c:?}");
            }
        }
    }

    #[test]
    fn only_well_formed_colour_codes_are_kept() {
        let text = "\u{1b}[1;31mok\u{1b}[0m \u{1b}[2J \u{1b}]52;c;x\u{7} \u{1b}";
        assert_eq!(
            escape_keeping_sgr(text),
            "\u{1b}[1;31mok\u{1b}[0m \\u{1b}[2J \\u{1b}]52;c;x\\u{7} \\u{1b}"
        );
    }

    fn through_writer(pieces: &[&[u8]], keep_sgr: bool) -> String {
        let mut out = Vec::new();
        {
            let mut w = TerminalWriter::new(&mut out, keep_sgr);
            for piece in pieces {
                w.write_all(piece).unwrap();
            }
            w.flush().unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_writer_escapes_across_split_writes() {
        let text = "a\u{1b}[31mb\u{1b}[0m\u{9b}c\u{1b}]0;t\u{7}";
        let whole = through_writer(&[text.as_bytes()], true);
        assert_eq!(whole, "a\u{1b}[31mb\u{1b}[0m\\u{9b}c\\u{1b}]0;t\\u{7}");
        // Split at every byte: the same output.
        let bytes = text.as_bytes();
        let pieces: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(through_writer(&pieces, true), whole);
        assert_eq!(
            through_writer(&pieces, false),
            "a\\u{1b}[31mb\\u{1b}[0m\\u{9b}c\\u{1b}]0;t\\u{7}"
        );
        // An unfinished sequence at the end is escaped, not held forever.
        assert_eq!(through_writer(&[b"x\x1b["], true), "x\\u{1b}[");
    }
}
