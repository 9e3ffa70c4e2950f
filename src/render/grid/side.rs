//! Two tables beside each other when both fit the width, else one above
//! the other.

use std::io::{self, Write};

use super::{Grid, width};

/// A table laid out, with the width of its lines when it is known: the
/// direct layout makes every line of a table exactly as wide.
struct Laid {
    text: String,
    width: Option<usize>,
}

impl Laid {
    fn of(grid: &Grid) -> Laid {
        match grid.plain() {
            Some((text, width)) => Laid {
                text,
                width: Some(width),
            },
            None => Laid {
                text: grid.to_string(),
                width: None,
            },
        }
    }

    /// The width of one of its lines.
    fn line_width(&self, line: &str) -> usize {
        self.width.unwrap_or_else(|| visible_width(line))
    }

    /// The width of its widest line.
    fn widest(&self, lines: &[&str]) -> usize {
        match self.width {
            Some(w) if !lines.is_empty() => w,
            _ => lines.iter().map(|l| visible_width(l)).max().unwrap_or(0),
        }
    }
}

/// Prints two tables beside each other when both fit the width, else one
/// above the other.
pub fn side_by_side(
    out: &mut dyn Write,
    left: &Grid,
    right: &Grid,
    width: Option<usize>,
) -> io::Result<()> {
    write_side_by_side(out, &Laid::of(left), &Laid::of(right), width)
}

fn write_side_by_side(
    out: &mut dyn Write,
    left: &Laid,
    right: &Laid,
    width: Option<usize>,
) -> io::Result<()> {
    let left_lines: Vec<&str> = left.text.lines().collect();
    let right_lines: Vec<&str> = right.text.lines().collect();
    let left_width = left.widest(&left_lines);
    let right_width = right.widest(&right_lines);
    const GAP: usize = 2;
    if width.is_some_and(|w| left_width + GAP + right_width > w) {
        writeln!(out, "{}", left.text)?;
        return writeln!(out, "{}", right.text);
    }
    for i in 0..left_lines.len().max(right_lines.len()) {
        let l = left_lines.get(i).copied();
        let r = right_lines.get(i).copied().unwrap_or("");
        let l_width = l.map_or(0, |l| left.line_width(l));
        let l = l.unwrap_or("");
        if r.is_empty() {
            writeln!(out, "{l}")?;
        } else {
            let pad = left_width - l_width + GAP;
            writeln!(out, "{l}{:pad$}{r}", "")?;
        }
    }
    Ok(())
}

/// Display width of a line, ignoring ANSI colour sequences.
fn visible_width(line: &str) -> usize {
    if !line.as_bytes().contains(&0x1b) {
        return width(line);
    }
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters final-byte
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    width(&plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laid(text: &str) -> Laid {
        Laid {
            text: text.to_string(),
            width: None,
        }
    }

    #[test]
    fn width_ignores_colour() {
        assert_eq!(visible_width("\x1b[31mabc\x1b[0m"), 3);
        assert_eq!(visible_width("被客服关闭"), 10);
    }

    #[test]
    fn side_by_side_or_stacked() {
        let mut out = Vec::new();
        write_side_by_side(&mut out, &laid("ab\nc"), &laid("xy\nz\nw"), None).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "ab  xy\nc   z\n    w\n");
        let mut out = Vec::new();
        write_side_by_side(&mut out, &laid("ab"), &laid("xy"), Some(5)).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "ab\nxy\n");
    }

    /// A table laid out directly has lines exactly as wide as it says.
    #[test]
    fn known_widths_are_the_lines_widths() {
        let mut grid = Grid::new(None);
        grid.set_header(["工单", ""]);
        grid.add_row(["agents", "张三 (ou_1)\n李四 🎧 (ou_2)"]);
        let laid = Laid::of(&grid);
        let known = laid.width.unwrap_or_default();
        for line in laid.text.lines() {
            assert_eq!(visible_width(line), known, "{line}");
        }
    }
}
