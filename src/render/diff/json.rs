//! `diff` as NDJSON: one object per row, per difference, or per ticket,
//! field names as the contract gives them, never colour.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{DiffRenderer, Row, Totals};
use crate::event::CodeKind;
use crate::golden::Difference;
use crate::render::Style;
use crate::render::json::field_value_json;
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

impl DiffRenderer for DiffJson {
    fn row(&mut self, out: &mut dyn Write, row: &Row<'_>) -> io::Result<()> {
        line(out, &row_json(&self.style, row))
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
