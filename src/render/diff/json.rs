//! `diff` as NDJSON: one object per row, per difference, or per ticket,
//! field names as the contract gives them, never colour.

use std::io::{self, Write};
use std::ops::Range;

use serde_json::{Value, json};

use super::{DiffRenderer, Row, TimelineText, Totals};
use crate::event::CodeKind;
use crate::golden::Difference;
use crate::render::Style;
use crate::render::json::{
    write_coded, write_field_value, write_int, write_opt_int, write_opt_str, write_str,
    write_str_contents,
};
use crate::timeline::Timeline;

pub struct DiffJson {
    pub style: Style,
}

fn line(out: &mut dyn Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// Values as they are in the records; a side that lacks the path is `null`.
pub fn difference_json(d: &Difference) -> Value {
    json!({
        "path": d.path_string(),
        "expected": d.expected,
        "actual": d.actual,
    })
}

impl DiffJson {
    /// One row as an NDJSON line, into a buffer (a worker's output): the
    /// contract's fields in its order, written straight out (the same
    /// bytes serde_json writes for them, tested below).
    pub fn write_row(&self, buf: &mut Vec<u8>, row: &Row<'_>) {
        self.write_event_row(buf, row, &mut None);
    }

    /// [`DiffJson::write_row`] for each row of one event in turn: what
    /// all its rows share (the source and the ids, up to `"field"`) is
    /// written for the first and copied for the others. `shared` says where
    /// it lies in `buf`: `None` before the event's first row.
    pub fn write_event_row(
        &self,
        buf: &mut Vec<u8>,
        row: &Row<'_>,
        shared: &mut Option<Range<usize>>,
    ) {
        match shared {
            Some(part) => buf.extend_from_within(part.clone()),
            None => {
                let start = buf.len();
                write_shared(buf, row);
                *shared = Some(start..buf.len());
            }
        }
        let t = row.transition;
        buf.extend_from_slice(b",\"field\":");
        write_str(buf, &t.field);
        buf.extend_from_slice(b",\"from\":");
        write_field_value(buf, &self.style, t.from.as_ref());
        buf.extend_from_slice(b",\"to\":");
        write_field_value(buf, &self.style, t.to.as_ref());
        buf.extend_from_slice(if t.changed {
            b",\"changed\":true}\n"
        } else {
            b",\"changed\":false}\n"
        });
    }
}

/// The start of a row, up to its field: the source and the ids.
fn write_shared(buf: &mut Vec<u8>, row: &Row<'_>) {
    buf.extend_from_slice(b"{\"source\":\"");
    write_str_contents(buf, &row.source.source);
    if row.source.line != 0 {
        buf.push(b':');
        write_int(buf, row.source.line);
    }
    buf.extend_from_slice(b"\",\"ticket_id\":");
    write_opt_str(buf, row.ticket_id);
    buf.extend_from_slice(b",\"event_id\":");
    write_opt_str(buf, row.event_id);
}

impl TimelineText for DiffJson {
    /// One ticket's timeline as an NDJSON line, into a buffer: the bytes
    /// serde_json writes for the Value rendering (the oracle in the tests).
    fn write_timeline(&self, buf: &mut Vec<u8>, t: &Timeline) {
        buf.extend_from_slice(b"{\"ticket_id\":");
        write_str(buf, &t.ticket_id);
        buf.extend_from_slice(b",\"events\":");
        write_int(buf, t.events());
        buf.extend_from_slice(b",\"duplicates\":");
        write_int(buf, t.duplicates);
        buf.extend_from_slice(b",\"out_of_order\":");
        write_int(buf, t.out_of_order);
        buf.extend_from_slice(b",\"states\":[");
        for (i, s) in t.states.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            buf.extend_from_slice(b"{\"event_id\":");
            write_opt_str(buf, s.event_id.as_deref());
            buf.extend_from_slice(b",\"updated_at\":");
            write_opt_int(buf, s.updated_at);
            buf.extend_from_slice(b",\"stage\":");
            write_coded(buf, &self.style, CodeKind::Stage, s.stage);
            buf.extend_from_slice(b",\"status\":");
            write_coded(buf, &self.style, CodeKind::Status, s.status);
            buf.push(b'}');
        }
        buf.extend_from_slice(b"],\"gaps\":[");
        for (i, g) in t.gaps.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            buf.extend_from_slice(b"{\"event_id\":");
            write_opt_str(buf, g.event_id.as_deref());
            buf.extend_from_slice(b",\"field\":");
            write_str(buf, g.field.name());
            buf.extend_from_slice(b",\"expected\":");
            write_coded(buf, &self.style, g.field, Some(g.expected));
            buf.extend_from_slice(b",\"found\":");
            write_coded(buf, &self.style, g.field, Some(g.found));
            buf.push(b'}');
        }
        buf.extend_from_slice(b"]}\n");
    }
}

impl DiffRenderer for DiffJson {
    fn row(&mut self, out: &mut dyn Write, row: &Row<'_>) -> io::Result<()> {
        let mut buf = Vec::with_capacity(256);
        self.write_row(&mut buf, row);
        out.write_all(&buf)
    }

    fn difference(&mut self, out: &mut dyn Write, difference: &Difference) -> io::Result<()> {
        line(out, &difference_json(difference))
    }

    fn timeline(&mut self, out: &mut dyn Write, t: &Timeline) -> io::Result<()> {
        let mut buf = Vec::with_capacity(256 + 128 * t.states.len());
        self.write_timeline(&mut buf, t);
        out.write_all(&buf)
    }

    fn stateless_timelines(&self) -> Option<&(dyn TimelineText + Sync)> {
        Some(self)
    }

    /// Totals are for people; the command notes skipped events on stderr.
    fn finish(&mut self, _out: &mut dyn Write, _totals: &Totals<'_>) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Lang;
    use crate::event::{FieldValue, Transition};
    use crate::input::Location;
    use crate::render::json::field_value_json;
    use jiff::tz::TimeZone;

    /// The row as a `serde_json::Value` (the oracle for the direct writer).
    fn row_json(style: &Style, row: &Row<'_>) -> Value {
        let t = row.transition;
        json!({
            "source": row.source.to_string(),
            "ticket_id": row.ticket_id,
            "event_id": row.event_id,
            "field": t.field,
            "from": t.from.as_ref().map(|v| field_value_json(style, v)),
            "to": t.to.as_ref().map(|v| field_value_json(style, v)),
            "changed": t.changed,
        })
    }

    fn written(style: &Style, row: &Row<'_>) -> String {
        let mut buf = Vec::new();
        DiffJson {
            style: style.clone(),
        }
        .write_row(&mut buf, row);
        String::from_utf8(buf).expect("UTF-8")
    }

    /// The direct writer writes exactly what serde_json writes for the
    /// Value-based rendering.
    #[test]
    fn written_rows_match_the_value_rendering() {
        let style = Style::new(false, Lang::Zh, TimeZone::UTC);
        let location = Location::new("dir/a \"b\".ndjson".into(), 7);
        let transitions = [
            Transition {
                field: "status".into(),
                from: Some(FieldValue::Code(CodeKind::Status, 50)),
                to: Some(FieldValue::Code(CodeKind::Status, 99)),
                changed: true,
            },
            Transition {
                field: "updated_at".into(),
                from: Some(FieldValue::Time(-1)),
                to: Some(FieldValue::Time(1_700_000_000_123)),
                changed: true,
            },
            Transition {
                field: "x".into(),
                from: Some(FieldValue::Raw(json!({"a": [1, "é"]}))),
                to: None,
                changed: true,
            },
        ];
        for t in &transitions {
            let row = Row {
                source: &location,
                ticket_id: Some("t\u{1}"),
                event_id: None,
                time: Some(5),
                transition: t,
            };
            assert_eq!(
                written(&style, &row),
                format!("{}\n", row_json(&style, &row))
            );
        }
    }

    /// The rows of one event written in turn, their shared start copied,
    /// are the rows written one by one; after whatever the buffer held.
    #[test]
    fn an_events_rows_share_their_start() {
        let style = Style::new(false, Lang::En, TimeZone::UTC);
        let location = Location::new("a.ndjson".into(), 3);
        let transitions =
            [("status", 1, 2), ("stage", 2, 2), ("status", 3, 50)].map(|(field, from, to)| {
                Transition {
                    field: field.into(),
                    from: Some(FieldValue::Code(CodeKind::Status, from)),
                    to: Some(FieldValue::Code(CodeKind::Status, to)),
                    changed: from != to,
                }
            });
        let rows: Vec<Row<'_>> = transitions
            .iter()
            .map(|t| Row {
                source: &location,
                ticket_id: Some("t1"),
                event_id: Some("e\"1"),
                time: None,
                transition: t,
            })
            .collect();
        let json = DiffJson {
            style: style.clone(),
        };
        let mut buf = b"before\n".to_vec();
        let mut shared = None;
        for row in &rows {
            json.write_event_row(&mut buf, row, &mut shared);
        }
        let one_by_one: String = rows.iter().map(|row| written(&style, row)).collect();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            format!("before\n{one_by_one}")
        );
    }

    proptest::proptest! {
        /// Any strings (quotes, backslashes, control characters, DEL,
        /// non-ASCII), any line, values of every kind, either language.
        #[test]
        fn any_row_is_written_as_serde_json_writes_it(
            source in "[a\"\\\\\\x00-\\x1f\\x7fé/ ]{0,12}",
            line in proptest::prop_oneof![proptest::strategy::Just(0u64), proptest::num::u64::ANY],
            ticket_id in proptest::option::of("[a\"\\\\\\x00-\\x1f\\x7f文 ]{0,12}"),
            event_id in proptest::option::of("[a-z0-9\\x08\\x0c]{0,12}"),
            field in "[a_\"\\\\\\n\\t😀]{0,12}",
            codes in (0usize..6, proptest::num::i64::ANY, proptest::num::i64::ANY),
            time in proptest::prop_oneof![proptest::strategy::Just(-1i64), proptest::num::i64::ANY, 0i64..4_000_000_000_000],
            raw in "[a\"\\\\\\x00-\\x1f]{0,8}",
            shape in 0u8..4,
            zh in proptest::bool::ANY,
            changed in proptest::bool::ANY,
        ) {
            let lang = if zh { Lang::Zh } else { Lang::En };
            let style = Style::new(false, lang, TimeZone::fixed(jiff::tz::offset(8)));
            let kinds = [CodeKind::Stage, CodeKind::Status, CodeKind::Score, CodeKind::Solve, CodeKind::Channel, CodeKind::SenderType];
            let value = |which: u8| match which {
                0 => None,
                1 => Some(FieldValue::Code(kinds[codes.0], codes.1)),
                2 => Some(FieldValue::Time(time)),
                _ => Some(FieldValue::Raw(json!({ raw.clone(): [codes.2, raw.clone()] }))),
            };
            let transition = Transition {
                field: field.clone().into(),
                from: value(shape),
                to: value((shape + 1) % 4),
                changed,
            };
            let location = Location::new(source.as_str().into(), line);
            let row = Row {
                source: &location,
                ticket_id: ticket_id.as_deref(),
                event_id: event_id.as_deref(),
                time: None,
                transition: &transition,
            };
            proptest::prop_assert_eq!(written(&style, &row), format!("{}\n", row_json(&style, &row)));
        }
    }
}
