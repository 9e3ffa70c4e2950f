//! Tables sized to the terminal, fed so that laying them out stays linear.
//!
//! comfy-table splits a word longer than its column one line at a time,
//! measuring and copying the rest of the word for each line: quadratic in
//! the word's length (a 16,000-character field name took 12 s to lay out
//! in a 20-column terminal). A [`Grid`] breaks every run of text more than
//! twice as wide as the terminal into lines that wide before comfy-table
//! sees it, so comfy-table only ever splits short words. Without a width nothing wraps,
//! and cells are left as they are.

mod plain;
mod side;

pub use plain::width;
pub use side::side_by_side;

use std::borrow::Cow;
use std::fmt;

use comfy_table::modifiers::UTF8_ROUND_CORNERS;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Row, Table};
use unicode_width::UnicodeWidthChar;

use crate::sanitize::escape_keeping_sgr;

/// A table for people; `Display` lays it out: directly when it needs no
/// wrapping and no colour ([`plain::layout`]), else through comfy-table.
pub struct Grid {
    width: Option<usize>,
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    /// A table fitted to `width` columns, or laid out unbounded.
    pub fn new(width: Option<usize>) -> Grid {
        Grid {
            width,
            header: None,
            rows: Vec::new(),
        }
    }

    pub fn add_row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let row = self.row(cells);
        self.rows.push(row);
        self
    }

    pub fn set_header<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.header = Some(self.row(cells));
        self
    }

    fn row<I, S>(&self, cells: I) -> Vec<String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        cells
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
            .collect()
    }

    /// The same table as comfy-table's.
    fn comfy(&self) -> Table {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .apply_modifier(UTF8_ROUND_CORNERS);
        match self.width {
            Some(w) => {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(u16::try_from(w).unwrap_or(u16::MAX));
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        if let Some(header) = &self.header {
            table.set_header(Row::from(header.clone()));
        }
        for row in &self.rows {
            table.add_row(Row::from(row.clone()));
        }
        table
    }
}

impl Grid {
    /// The direct layout and the width of its lines, when it applies.
    fn plain(&self) -> Option<(String, usize)> {
        plain::layout(self.header.as_deref(), &self.rows, self.width)
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.plain() {
            Some((text, _)) => f.write_str(&text),
            None => self.comfy().fmt(f),
        }
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

    /// Text that exercises the layout: wide and zero-width characters,
    /// tabs, newlines, spaces, empty cells, escapes and colours.
    const CELL: &str = "[ab \t\n中😀\u{301}\u{200b}\u{1b}\u{7f}é|]{0,9}";

    proptest::proptest! {
        /// Wherever the direct layout takes a table, it is comfy-table's
        /// layout byte for byte; and it takes the tables the renderers make.
        #[test]
        fn the_direct_layout_is_comfy_tables(
            header in proptest::option::of(proptest::collection::vec(CELL, 0..4)),
            rows in proptest::collection::vec(proptest::collection::vec(CELL, 0..4), 0..5),
            width in proptest::option::of(0usize..90),
            colour in proptest::bool::ANY,
        ) {
            let mut grid = Grid::new(width);
            if let Some(header) = &header {
                grid.set_header(header.iter().map(|c| if colour { format!("\u{1b}[1m{c}\u{1b}[0m") } else { c.clone() }));
            }
            for row in &rows {
                grid.add_row(row.clone());
            }
            let comfy = grid.comfy().to_string();
            if let Some((direct, _)) = grid.plain() {
                proptest::prop_assert_eq!(direct, comfy);
            }
        }
    }

    #[test]
    fn plain_tables_are_laid_out_directly() {
        let mut grid = Grid::new(None);
        grid.set_header(["工单", ""]);
        grid.add_row(["ticket_id", "6626871355780007256"]);
        grid.add_row(["agents", "张三 (ou_1)\n李四 🎧 (ou_2)"]);
        grid.add_row(["empty", ""]);
        let direct = grid.plain().map(|(text, _)| text);
        assert_eq!(direct, Some(grid.comfy().to_string()));
        // A table wider than the terminal is comfy-table's to wrap.
        let mut narrow = Grid::new(Some(20));
        narrow.add_row(["ticket_id", "6626871355780007256"]);
        assert_eq!(narrow.plain(), None);
        assert_eq!(narrow.to_string(), narrow.comfy().to_string());
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
