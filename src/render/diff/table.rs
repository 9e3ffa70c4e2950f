//! `diff` for people: a table of rows or of differences, and one table per
//! ticket timeline, each closed by a line of totals.

use std::io::{self, Write};

use crate::render::grid::Grid;
use serde_json::Value;

use super::{DiffRenderer, Row, Totals};
use crate::event::CodeKind;
use crate::event::FieldValue;
use crate::event::Lang;
use crate::golden::{Difference, Meaning};
use crate::render::table::{new_table, terminal_width};
use crate::render::words::Noun;
use crate::render::{Style, text};
use crate::timeline::{Kind, State, Timeline};

/// Longest JSON shown in a cell before it is cut short (`-o json` has it all).
const MAX_CELL: usize = 80;

pub struct DiffTable {
    style: Style,
    width: Option<usize>,
    /// Rows and differences are laid out together at the end.
    table: Option<Grid>,
    timelines: usize,
}

impl DiffTable {
    pub fn new(style: Style) -> DiffTable {
        DiffTable {
            style,
            width: terminal_width(),
            table: None,
            timelines: 0,
        }
    }

    fn table(&mut self, header: &[&str]) -> &mut Grid {
        let (style, width) = (&self.style, self.width);
        self.table.get_or_insert_with(|| {
            let mut t = new_table(width);
            t.set_header(header.iter().map(|h| style.bold(h)).collect::<Vec<_>>());
            t
        })
    }

    fn coded(&self, kind: CodeKind, value: Option<i64>) -> String {
        match value {
            Some(v) => format!("{} ({v})", self.style.label(kind, v)),
            None => self.style.dim("-"),
        }
    }

    fn field_value(&self, value: Option<&FieldValue>) -> String {
        match value {
            Some(FieldValue::Code(kind, v)) => self.coded(*kind, Some(*v)),
            Some(other) => text(&self.style.field_value_label(other)),
            None => self.style.dim("-"),
        }
    }

    /// One side of a difference: its JSON, with the label first for enums
    /// and timestamps (`closed by bot (50)`).
    fn json_cell(&self, value: Option<&Value>, meaning: Option<Meaning>) -> String {
        let Some(value) = value else {
            return self.style.dim(self.style.words().absent);
        };
        // JSON escapes C0 controls, not DEL or C1.
        let text = text(&cut(value.to_string()));
        match (meaning, value) {
            (Some(Meaning::Code(kind)), Value::Number(n)) => match n.as_i64() {
                Some(v) => self.coded(kind, Some(v)),
                None => text,
            },
            (Some(Meaning::Time), v) => {
                let ms = match v {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                };
                match ms {
                    Some(ms) => format!("{} ({text})", self.style.time(ms)),
                    None => text,
                }
            }
            _ => text,
        }
    }

    fn notes(&self, t: &Timeline, i: usize, state: &State) -> String {
        let s = &self.style;
        let w = s.words();
        let zh = w.lang == Lang::Zh;
        let mut notes = Vec::new();
        if state.kind == Kind::Created {
            notes.push(w.created.to_string());
        }
        if state.updated_at.is_none_or(|u| u < 0) {
            notes.push(s.dim(w.placed_by_create_time));
        }
        if state.late {
            notes.push(s.yellow(w.arrived_late));
        }
        // Gaps are in index order: find this state's without a scan of
        // them all, so a ticket of many gaps takes linear time.
        let first = t.gaps.partition_point(|g| g.index < i);
        for gap in t.gaps[first..].iter().take_while(|g| g.index == i) {
            let expected = self.coded(gap.field, Some(gap.expected));
            let found = self.coded(gap.field, Some(gap.found));
            let name = gap.field.name();
            let text = if zh && gap.reported {
                format!("缺口：{name} 原为 {expected}，old_object 为 {found}")
            } else if zh {
                format!("缺口：{name} 原为 {expected}，现为 {found}，无 old_object.{name}")
            } else if gap.reported {
                format!(
                    "gap: {} was {expected}, old_object says {found}",
                    gap.field.name()
                )
            } else {
                format!(
                    "gap: {} was {expected}, is {found} with no old_object.{}",
                    gap.field.name(),
                    gap.field.name()
                )
            };
            notes.push(s.red(&text));
        }
        notes.join(w.separator)
    }
}

/// Long JSON cut to [`MAX_CELL`] characters.
fn cut(text: String) -> String {
    if text.chars().count() <= MAX_CELL {
        return text;
    }
    let mut short: String = text.chars().take(MAX_CELL - 1).collect();
    short.push('…');
    short
}

impl DiffRenderer for DiffTable {
    fn row(&mut self, _out: &mut dyn Write, row: &Row<'_>) -> io::Result<()> {
        let t = row.transition;
        let from = self.field_value(t.from.as_ref());
        let to = self.field_value(t.to.as_ref());
        let s = &self.style;
        let w = s.words();
        let (from, to, mark) = if t.changed {
            (s.red(&from), s.green(&to), s.yellow(w.changed))
        } else {
            (from, to, s.dim(w.same))
        };
        let cells = vec![
            text(&row.source.to_string()),
            row.ticket_id.map_or_else(|| s.dim("-"), text),
            row.time.map_or_else(|| s.dim("-"), |ms| s.time(ms)),
            text(&t.field),
            from,
            to,
            mark,
        ];
        self.table(&[
            w.source,
            "ticket_id",
            w.time,
            w.field,
            w.before,
            w.after,
            "",
        ])
        .add_row(cells);
        Ok(())
    }

    fn difference(&mut self, _out: &mut dyn Write, d: &Difference) -> io::Result<()> {
        let meaning = d.meaning();
        let cells = vec![
            text(&d.path_string()),
            self.style
                .red(&self.json_cell(d.expected.as_ref(), meaning)),
            self.style
                .green(&self.json_cell(d.actual.as_ref(), meaning)),
        ];
        let w = self.style.words();
        self.table(&[w.path, w.expected, w.actual]).add_row(cells);
        Ok(())
    }

    fn timeline(&mut self, out: &mut dyn Write, t: &Timeline) -> io::Result<()> {
        let s = &self.style;
        let w = s.words();
        let zh = w.lang == Lang::Zh;
        if self.timelines > 0 {
            writeln!(out)?;
        }
        self.timelines += 1;
        let mut facts = vec![w.count(t.events(), Noun::Event)];
        if t.duplicates > 0 {
            let duplicates = w.count(t.duplicates, Noun::Duplicate);
            facts.push(if zh {
                format!("丢弃 {duplicates}")
            } else {
                format!("{duplicates} dropped")
            });
        }
        if t.out_of_order > 0 {
            facts.push(if zh {
                format!("{} 个乱序", t.out_of_order)
            } else {
                format!("{} out of order", t.out_of_order)
            });
        }
        if !t.gaps.is_empty() {
            facts.push(s.red(&w.count(t.gaps.len(), Noun::Gap)));
        }
        let title = if zh {
            format!("{} {}：", w.ticket, text(&t.ticket_id))
        } else {
            format!("ticket {}:", text(&t.ticket_id))
        };
        writeln!(out, "{} {}", s.bold(&title), facts.join(w.comma()))?;
        let mut table = new_table(self.width);
        table.set_header(
            [
                "#",
                "updated_at",
                "event_id",
                w.source,
                "stage",
                "status",
                w.notes,
            ]
            .iter()
            .map(|h| s.bold(h))
            .collect::<Vec<_>>(),
        );
        for (i, state) in t.states.iter().enumerate() {
            table.add_row(vec![
                (i + 1).to_string(),
                state.updated_at.map_or_else(|| s.dim("-"), |ms| s.time(ms)),
                state.event_id.as_deref().map_or_else(|| s.dim("-"), text),
                state
                    .source
                    .as_ref()
                    .map_or_else(|| s.dim("-"), |l| text(&l.to_string())),
                self.coded(CodeKind::Stage, state.stage),
                self.coded(CodeKind::Status, state.status),
                self.notes(t, i, state),
            ]);
        }
        writeln!(out, "{table}")
    }

    fn finish(&mut self, out: &mut dyn Write, totals: &Totals<'_>) -> io::Result<()> {
        let mut gap = self.timelines > 0;
        if let Some(table) = self.table.take() {
            writeln!(out, "{table}")?;
            gap = true;
        }
        if gap {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{}",
            self.style.dim(&text(&totals.line(self.style.words())))
        )
    }
}
