//! `diff` as NDJSON: one object per row, per difference, or per ticket,
//! field names as the contract gives them, never colour.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{DiffRenderer, Row, Totals};
use crate::event::CodeKind;
use crate::golden::Difference;
use crate::render::Style;
use crate::render::json::{FieldValueOut, field_value_json};
use crate::timeline::Timeline;

pub struct DiffJson {
    pub style: Style,
}

fn line(out: &mut dyn Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

impl DiffJson {
    fn coded(&self, kind: CodeKind, value: Option<i64>) -> Value {
        value.map_or(
            Value::Null,
            |v| json!({"value": v, "label": self.style.label(kind, v)}),
        )
    }
}

pub fn row_json(style: &Style, row: &Row<'_>) -> Value {
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

/// Values as they are in the records; a side that lacks the path is `null`.
pub fn difference_json(d: &Difference) -> Value {
    json!({
        "path": d.path_string(),
        "expected": d.expected,
        "actual": d.actual,
    })
}

/// A row serialized straight to the output, in the contract's field order.
struct RowOut<'a> {
    style: &'a Style,
    row: &'a Row<'a>,
}

impl serde::Serialize for RowOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let t = self.row.transition;
        let style = self.style;
        let from = t.from.as_ref().map(|value| FieldValueOut { style, value });
        let to = t.to.as_ref().map(|value| FieldValueOut { style, value });
        let mut map = s.serialize_map(Some(7))?;
        map.serialize_key("source")?;
        map.serialize_value(&DisplayStr(self.row.source))?;
        map.serialize_entry("ticket_id", &self.row.ticket_id)?;
        map.serialize_entry("event_id", &self.row.event_id)?;
        map.serialize_entry("field", &t.field)?;
        map.serialize_entry("from", &from)?;
        map.serialize_entry("to", &to)?;
        map.serialize_entry("changed", &t.changed)?;
        map.end()
    }
}

/// Serializes a Display value as a JSON string without an intermediate String.
struct DisplayStr<'a, T: std::fmt::Display>(&'a T);

impl<T: std::fmt::Display> serde::Serialize for DisplayStr<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

impl DiffJson {
    /// One row as an NDJSON line, into a buffer (a worker's output).
    pub fn write_row(&self, buf: &mut Vec<u8>, row: &Row<'_>) {
        // Writing into a Vec cannot fail; a map with string keys always serializes.
        let _ = serde_json::to_writer(
            &mut *buf,
            &RowOut {
                style: &self.style,
                row,
            },
        );
        buf.push(b'\n');
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
        let states: Vec<Value> = t
            .states
            .iter()
            .map(|s| {
                json!({
                    "event_id": s.event_id,
                    "updated_at": s.updated_at,
                    "stage": self.coded(CodeKind::Stage, s.stage),
                    "status": self.coded(CodeKind::Status, s.status),
                })
            })
            .collect();
        let gaps: Vec<Value> = t
            .gaps
            .iter()
            .map(|g| {
                json!({
                    "event_id": g.event_id,
                    "field": g.field.name(),
                    "expected": self.coded(g.field, Some(g.expected)),
                    "found": self.coded(g.field, Some(g.found)),
                })
            })
            .collect();
        line(
            out,
            &json!({
                "ticket_id": t.ticket_id,
                "events": t.events(),
                "duplicates": t.duplicates,
                "out_of_order": t.out_of_order,
                "states": states,
                "gaps": gaps,
            }),
        )
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
    use crate::input::Location;
    use crate::transition::{FieldValue, Transition};
    use jiff::tz::TimeZone;

    /// The direct serializer writes exactly what the Value-based one does.
    #[test]
    fn streamed_rows_match_the_value_rendering() {
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
            let streamed = serde_json::to_string(&RowOut {
                style: &style,
                row: &row,
            })
            .unwrap();
            assert_eq!(streamed, row_json(&style, &row).to_string());
        }
    }
}
