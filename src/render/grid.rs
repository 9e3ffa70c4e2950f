//! Tables sized to the terminal, fed so that laying them out stays linear.
//!
//! comfy-table splits a word longer than its column one line at a time,
//! measuring and copying the rest of the word for each line: quadratic in
//! the word's length (a 16,000-character field name took 12 s to lay out
//! in a 20-column terminal). A [`Grid`] breaks every run of text more than
//! twice as wide as the terminal into lines that wide before comfy-table
//! sees it, so comfy-table only ever splits short words. Without a width nothing wraps,
//! and cells are left as they are.

use std::borrow::Cow;
use std::fmt;

use comfy_table::modifiers::UTF8_ROUND_CORNERS;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Row, Table};
use unicode_width::UnicodeWidthChar;

use crate::sanitize::escape_keeping_sgr;

/// A table for people; `Display` lays it out.
pub struct Grid {
    table: Table,
    width: Option<usize>,
}

impl Grid {
    /// A table fitted to `width` columns, or laid out unbounded.
    pub fn new(width: Option<usize>) -> Grid {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .apply_modifier(UTF8_ROUND_CORNERS);
        match width {
            Some(w) => {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(u16::try_from(w).unwrap_or(u16::MAX));
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        Grid { table, width }
    }

    pub fn add_row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let row = self.row(cells);
        self.table.add_row(row);
        self
    }

    pub fn set_header<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let row = self.row(cells);
        self.table.set_header(row);
        self
    }

    fn row<I, S>(&self, cells: I) -> Row
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|cell| {
                // The renderers escape what they take from input; this
                // catches what one missed, before the layout measures it.
                let cell: String = cell.into();
                let cell = match escape_keeping_sgr(&cell) {
                    Cow::Borrowed(_) => cell,
                    Cow::Owned(escaped) => escaped,
                };
                match self.width {
                    // Twice the terminal's width: words a little wider than
                    // their column are still split where comfy-table would.
                    // (Saturating: `COLUMNS` may say anything.)
                    Some(width) => break_long_runs(&cell, width.max(1).saturating_mul(2)),
                    None => cell,
                }
            })
            .collect();
        Row::from(cells)
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.table.fmt(f)
    }
}

thread_local! {
    /// See [`layout_work`].
    static LAYOUT_WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A count of the work comfy-table's word splitting costs for the text that
/// tables on this thread handed it, for the regression tests to check that
/// it stays linear without a clock. comfy-table measures the rest of a word
/// once per line it splits off, so splitting a run n columns wide into a
/// column c wide costs it about n * n / (2 * c) measurements. This adds, for
/// every character [`break_long_runs`] passes on, the width of its run so
/// far: n * n / 2 per run, that cost times c. Runs no wider than the bound
/// keep it linear in the text; one long run let through makes it quadratic.
pub fn layout_work() -> u64 {
    LAYOUT_WORK.get()
}

/// Breaks every run of non-space text wider than `width` columns into
/// lines at most `width` wide. ANSI escape sequences take no width and
/// are never cut; a style open where a run is broken is closed at the end
/// of the line and opened again at the start of the next.
pub fn break_long_runs(text: &str, width: usize) -> String {
    // A width of 0 breaks like 1: every character on a line of its own.
    let width = width.max(1);
    if text.len() <= width {
        // No wider than its byte length: nothing to break.
        // For layout_work: one run as wide as its byte length (at most).
        let len = text.len() as u64;
        LAYOUT_WORK.set(LAYOUT_WORK.get() + len * (len + 1) / 2);
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / width + 8);
    let mut run = 0usize;
    // For layout_work: the sum of `run` over the characters passed on.
    let mut work = 0u64;
    // Escape sequences in effect since the last reset.
    let mut active: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' {
            let len = escape_len(rest);
            let escape = &rest[..len];
            if escape == RESET {
                active.clear();
            } else if escape.ends_with('m') {
                active.push(escape);
            }
            out.push_str(escape);
            rest = &rest[len..];
            continue;
        }
        if c.is_whitespace() {
            run = 0;
        } else {
            let w = c.width().unwrap_or(0);
            if run + w > width && run > 0 {
                if !active.is_empty() {
                    out.push_str(RESET);
                }
                out.push('\n');
                active.iter().for_each(|escape| out.push_str(escape));
                run = 0;
            }
            run += w;
            work += run as u64;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    LAYOUT_WORK.set(LAYOUT_WORK.get() + work);
    out
}

const RESET: &str = "\u{1b}[0m";

/// The length of the escape sequence at the start of `s` (which starts
/// with ESC): CSI `ESC [ params final`, else ESC and the byte after it.
fn escape_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    if bytes.get(1) == Some(&b'[') {
        match bytes[2..].iter().position(|b| (0x40..=0x7e).contains(b)) {
            Some(i) => 2 + i + 1,
            None => s.len(),
        }
    } else {
        // ESC alone, or ESC and one character.
        s.chars().take(2).map(char::len_utf8).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_are_broken_at_the_width() {
        assert_eq!(break_long_runs("short words stay", 5), "short words stay");
        assert_eq!(break_long_runs("abcdefghij xy", 4), "abcd\nefgh\nij xy");
        // Wide characters count twice and are never cut.
        assert_eq!(break_long_runs("中文中文中", 4), "中文\n中文\n中");
        assert_eq!(break_long_runs("a中文", 4), "a中\n文");
        // Combining marks stay with their letter.
        assert_eq!(break_long_runs("ab\u{301}cd", 2), "ab\u{301}\ncd");
    }

    #[test]
    fn styles_are_closed_and_reopened_across_a_break() {
        let red = "\u{1b}[31m";
        let text = format!("{red}abcdef{RESET} gh");
        assert_eq!(
            break_long_runs(&text, 4),
            format!("{red}abcd{RESET}\n{red}ef{RESET} gh")
        );
        // An escape sequence takes no width and is never cut.
        let text = format!("ab{red}cd{RESET}ef");
        assert_eq!(break_long_runs(&text, 4), format!("ab{red}cd{RESET}\nef"));
    }

    #[test]
    fn any_text_keeps_its_characters() {
        for text in ["", "\u{1b}", "\u{1b}[", "x\u{1b}[31", "\u{1b}x\u{1b}[0mabc"] {
            let broken = break_long_runs(text, 1);
            assert_eq!(
                broken.replace(['\n'], "").replace(RESET, ""),
                text.replace(RESET, "")
            );
        }
    }

    #[test]
    fn any_width_is_a_width() {
        assert_eq!(break_long_runs("abc", 0), "a\nb\nc");
        assert_eq!(break_long_runs("abc d", usize::MAX), "abc d");
        let mut grid = Grid::new(Some(usize::MAX));
        grid.add_row(["a", "b"]);
        assert!(grid.to_string().contains('a'));
    }
}
