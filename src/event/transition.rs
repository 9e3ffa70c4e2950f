//! `old_object` -> `object`: what changed in a ticket update.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use super::fields::{Issues, Path};
use super::labels::CodeKind;
use super::raw::{RawOld, RawTicket};
use super::ticket::Ticket;
use crate::json::Nested;

/// The `old_object` fields the schema documents, in display order.
pub const DOCUMENTED_FIELDS: [&str; 3] = ["stage", "status", "updated_at"];

/// One side of a transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    /// An enum-coded integer (stage, status).
    Code(CodeKind, i64),
    /// A millisecond timestamp (-1 means unset).
    Time(i64),
    /// A field outside the schema, kept as it came.
    Raw(Value),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The field's name: borrowed for the documented fields, which every
    /// update has (no allocation per row).
    pub field: Cow<'static, str>,
    pub from: Option<FieldValue>,
    pub to: Option<FieldValue>,
    pub changed: bool,
}

/// One transition per `old_object` field: documented fields first in their
/// order, then any others in payload order (each a schema issue).
pub fn from_old_object(
    ticket: &Ticket,
    object: Option<&Nested<RawTicket<'_>>>,
    old: &RawOld<'_>,
    path: &Path<'_>,
    issues: &mut Issues,
) -> Vec<Transition> {
    let mut out = Vec::with_capacity(3 + old.others.len());
    if let Some(value) = &old.stage {
        let from = issues.code(Some(value), path, "stage", CodeKind::Stage);
        out.push(Transition::new(
            "stage",
            from.map(|v| FieldValue::Code(CodeKind::Stage, v)),
            ticket.stage.map(|v| FieldValue::Code(CodeKind::Stage, v)),
        ));
    }
    if let Some(value) = &old.status {
        let from = issues.code(Some(value), path, "status", CodeKind::Status);
        out.push(Transition::new(
            "status",
            from.map(|v| FieldValue::Code(CodeKind::Status, v)),
            ticket.status.map(|v| FieldValue::Code(CodeKind::Status, v)),
        ));
    }
    if let Some(value) = &old.updated_at {
        let from = issues.int(Some(value), path, "updated_at");
        out.push(Transition::new(
            "updated_at",
            from.map(FieldValue::Time),
            ticket.updated_at.map(FieldValue::Time),
        ));
    }
    if old.others.is_empty() {
        return out;
    }
    let others = match object {
        Some(Nested::Value(object)) => object.others.as_slice(),
        _ => &[],
    };
    // Looked up by name, not searched for each field: both sides may have
    // any number of keys (their keys are unique, `json::last_wins`).
    let current: HashMap<&str, &Value> = others.iter().map(|(k, v)| (k.as_ref(), v)).collect();
    for (field, old_value) in &old.others {
        issues.warn(
            path.join(field),
            "not a documented old_object field (stage, status, updated_at)",
        );
        let to = current
            .get(field.as_ref())
            .map(|v| FieldValue::Raw((*v).clone()));
        out.push(Transition::new(
            Cow::Owned(field.to_string()),
            Some(FieldValue::Raw(old_value.clone())),
            to,
        ));
    }
    out
}

impl Transition {
    fn new(
        field: impl Into<Cow<'static, str>>,
        from: Option<FieldValue>,
        to: Option<FieldValue>,
    ) -> Transition {
        Transition {
            field: field.into(),
            changed: from != to,
            from,
            to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::ticket::Detail;
    use serde_json::json;

    fn run(object: Value, old: Value) -> (Vec<Transition>, Issues) {
        let mut issues = Issues::default();
        let object = object.to_string();
        let object: Nested<RawTicket> = serde_json::from_str(&object).unwrap();
        let Nested::Value(raw) = &object else {
            panic!()
        };
        let event = Path::top("event");
        let ticket = Ticket::read(raw, &event.key("object"), true, Detail::Full, &mut issues);
        let old = old.to_string();
        let old: RawOld = serde_json::from_str(&old).unwrap();
        let t = from_old_object(
            &ticket,
            Some(&object),
            &old,
            &event.key("old_object"),
            &mut issues,
        );
        (t, issues)
    }

    #[test]
    fn documentation_example() {
        let (t, _) = run(
            json!({"ticket_id":"1","stage":1,"status":1,"updated_at":1616920429000_i64}),
            json!({"stage":1,"status":50,"updated_at":1616920429000_i64}),
        );
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].field, "stage");
        assert!(!t[0].changed);
        assert_eq!(t[1].from, Some(FieldValue::Code(CodeKind::Status, 50)));
        assert_eq!(t[1].to, Some(FieldValue::Code(CodeKind::Status, 1)));
        assert!(t[1].changed);
        assert!(!t[2].changed);
    }

    #[test]
    fn order_is_documented_then_payload() {
        let (t, issues) = run(
            json!({"status":2,"extra":"b"}),
            json!({"extra":"a","updated_at":-1,"status":1}),
        );
        let fields: Vec<_> = t.iter().map(|t| t.field.as_ref()).collect();
        assert_eq!(fields, ["status", "updated_at", "extra"]);
        assert_eq!(t[1].to, None);
        assert!(t[1].changed);
        assert_eq!(t[2].to, Some(FieldValue::Raw(json!("b"))));
        assert!(
            issues
                .0
                .iter()
                .any(|i| i.path == "event.old_object.extra" && i.warn)
        );
    }
}
