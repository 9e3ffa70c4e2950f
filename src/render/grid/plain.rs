//! The layout comfy-table gives a table that needs neither wrapping nor
//! styling, computed directly: each column as wide as its widest line, a
//! space either side, the UTF8_FULL_CONDENSED borders with round corners.
//! Nearly every table is such a table (output into a pipe or a file, or
//! one that fits the terminal, without colour); comfy-table took 60 µs to
//! lay out each record's, measuring every cell through an ANSI parser.
//! The tests compare the two over arbitrary tables.

use unicode_width::UnicodeWidthStr;

/// The widest line laid out here: comfy-table counts widths in u16 and
/// splits lines beyond that.
const MAX_LINE: usize = 60_000;

/// The display width of a line, as comfy-table measures it (without
/// escape sequences, which the caller has ruled out): printable ASCII is a
/// column a byte, anything else is measured by `unicode-width`.
pub fn width(line: &str) -> usize {
    let ascii = line
        .as_bytes()
        .iter()
        .fold(true, |all, &b| all & (0x20..0x7f).contains(&b));
    if ascii {
        return line.len();
    }
    // A laid-out table's line: printable ASCII and box drawing (U+2500 to
    // U+257F, a column each), counted without unicode-width's sequence
    // rules, which none of these characters takes part in (tested below).
    let mut columns = 0;
    for c in line.chars() {
        if matches!(c, ' '..='~' | '\u{2500}'..='\u{257f}') {
            columns += 1;
        } else {
            return line.width();
        }
    }
    columns
}

/// A cell's lines, each with its width.
type Lines<'a> = Vec<(&'a str, usize)>;

/// The table as comfy-table lays it out, lines joined by newlines, and
/// the width of every one of its lines; `None`
/// when comfy-table would wrap a line to fit `width`, or when a cell
/// carries an escape sequence (a colour), which comfy-table measures and
/// carries across lines itself.
pub fn layout(
    header: Option<&[String]>,
    rows: &[Vec<String>],
    width: Option<usize>,
) -> Option<(String, usize)> {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain(header.map(<[String]>::len))
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return None;
    }
    // A column is at least one character wide.
    let mut widths = vec![1usize; columns];
    let mut bytes = 0usize;
    let header = match header {
        Some(header) => Some(measure(header, &mut widths, &mut bytes)?),
        None => None,
    };
    let rows = rows
        .iter()
        .map(|row| measure(row, &mut widths, &mut bytes))
        .collect::<Option<Vec<_>>>()?;
    // Each column: its content, a space either side, and the border after
    // it; and the border before the first.
    let total = widths.iter().map(|w| w + 3).sum::<usize>() + 1;
    if let Some(width) = width
        && total > width.min(usize::from(u16::MAX))
    {
        return None;
    }
    let lines = rows.len() + 4;
    let mut out = String::with_capacity(bytes + lines * total * 3);
    border(&mut out, &widths, ['╭', '─', '┬', '╮']);
    if let Some(header) = &header {
        row(&mut out, header, &widths);
        border(&mut out, &widths, ['╞', '═', '╪', '╡']);
    }
    for cells in &rows {
        row(&mut out, cells, &widths);
    }
    border(&mut out, &widths, ['╰', '─', '┴', '╯']);
    // No newline after the last line, as comfy-table writes it.
    out.pop();
    Some((out, total))
}

/// A row's cells split into lines and measured, each column's width
/// raised to its widest line; `None` for what only comfy-table lays out.
fn measure<'a>(
    row: &'a [String],
    widths: &mut [usize],
    bytes: &mut usize,
) -> Option<Vec<Lines<'a>>> {
    let mut cells = Vec::with_capacity(row.len());
    for (cell, column) in row.iter().zip(widths.iter_mut()) {
        if cell.as_bytes().contains(&0x1b) {
            return None;
        }
        *bytes = bytes.saturating_add(cell.len());
        let mut lines = Vec::new();
        for line in split_lines(cell) {
            let w = width(line);
            if w > MAX_LINE {
                return None;
            }
            *column = (*column).max(w);
            lines.push((line, w));
        }
        cells.push(lines);
    }
    Some(cells)
}

/// `text`'s lines, as comfy-table splits a cell (at every `\n`).
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match memchr::memchr(b'\n', text.as_bytes()) {
            Some(i) => {
                rest = text.get(i + 1..);
                text.get(..i)
            }
            None => rest.take(),
        }
    })
}

/// A horizontal border: left, line, intersection, right.
fn border(out: &mut String, widths: &[usize], [left, line, cross, right]: [char; 4]) {
    let mut buf = [0u8; 4];
    let line = line.encode_utf8(&mut buf);
    // Lines of up to 32 characters at a time.
    let run = line.repeat(32);
    out.push(left);
    for (i, &w) in widths.iter().enumerate() {
        if i > 0 {
            out.push(cross);
        }
        let mut n = w + 2;
        while n > 0 {
            let take = n.min(32);
            out.push_str(run.get(..take * line.len()).unwrap_or_default());
            n -= take;
        }
    }
    out.push(right);
    out.push('\n');
}

/// One row: as many lines as its tallest cell; a missing cell or line is
/// blank.
fn row(out: &mut String, cells: &[Lines<'_>], widths: &[usize]) {
    const SPACES: &str = "                                                                ";
    let height = cells.iter().map(Vec::len).max().unwrap_or(1);
    for i in 0..height {
        out.push('│');
        for (column, &w) in widths.iter().enumerate() {
            if column > 0 {
                out.push('┆');
            }
            let (text, used) = cells
                .get(column)
                .and_then(|lines| lines.get(i))
                .copied()
                .unwrap_or(("", 0));
            out.push(' ');
            out.push_str(text);
            let mut pad = w + 1 - used.min(w);
            while pad > 0 {
                let n = pad.min(SPACES.len());
                out.push_str(&SPACES[..n]);
                pad -= n;
            }
        }
        out.push_str("│\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Printable ASCII is a column a character to unicode-width too, in
    /// any pair (sequences are where widths stop adding up).
    #[test]
    fn printable_ascii_is_a_column_a_byte() {
        for a in 0x20u8..0x7f {
            for b in 0x20u8..0x7f {
                let text = String::from_utf8(vec![a, b, a]).unwrap_or_default();
                assert_eq!(width(&text), text.width(), "{text:?}");
                assert_eq!(width(&text), 3);
            }
        }
        assert_eq!(width("中文"), 4);
        assert_eq!(width("a\tb"), "a\tb".width());
    }

    /// Box drawing beside anything printable in ASCII, or beside each
    /// other, is a column a character to unicode-width too.
    #[test]
    fn box_drawing_is_a_column_a_character() {
        let boxes = ('\u{2500}'..='\u{257f}').collect::<Vec<_>>();
        let ascii = (' '..='~').collect::<Vec<_>>();
        for &a in &boxes {
            for &b in boxes.iter().chain(&ascii) {
                for text in [format!("{a}{b}{a}"), format!("{b}{a}{b}")] {
                    assert_eq!(width(&text), text.width(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn lines_split_as_str_split_does() {
        for text in ["", "\n", "a", "a\n", "\na", "a\n\nb\n", "中\n文"] {
            assert_eq!(
                split_lines(text).collect::<Vec<_>>(),
                text.split('\n').collect::<Vec<_>>()
            );
        }
    }
}
