//! `diff --timeline -o json`: one line per ticket, written as the
//! timeline's former `serde_json::Value` rendering (kept here) writes it.

mod common;

use common::json_line::{int, opt_int, opt_text, style, text};
use lark_ticket::event::CodeKind;
use lark_ticket::render::Style;
use lark_ticket::render::diff::TimelineText;
use lark_ticket::render::diff::json::DiffJson;
use lark_ticket::timeline::{Gap, Kind, Prior, State, Timeline};
use proptest::prelude::*;
use serde_json::Value;

fn coded(style: &Style, kind: CodeKind, value: Option<i64>) -> Value {
    value.map_or(
        Value::Null,
        |v| serde_json::json!({"value": v, "label": style.label(kind, v)}),
    )
}

/// The timeline as a `serde_json::Value`, as it was rendered before the
/// direct writer (the oracle).
fn timeline_json(style: &Style, t: &Timeline) -> Value {
    use serde_json::json;
    let states: Vec<Value> = t
        .states
        .iter()
        .map(|s| {
            json!({
                "event_id": s.event_id,
                "updated_at": s.updated_at,
                "stage": coded(style, CodeKind::Stage, s.stage),
                "status": coded(style, CodeKind::Status, s.status),
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
                "expected": coded(style, g.field, Some(g.expected)),
                "found": coded(style, g.field, Some(g.found)),
            })
        })
        .collect();
    json!({
        "ticket_id": t.ticket_id,
        "events": t.events(),
        "duplicates": t.duplicates,
        "out_of_order": t.out_of_order,
        "states": states,
        "gaps": gaps,
    })
}

fn timeline() -> BoxedStrategy<Timeline> {
    let prior = prop_oneof![
        Just(Prior::Unknown),
        Just(Prior::Unchanged),
        int().prop_map(Prior::Reported)
    ];
    let state = (
        opt_text(),
        (opt_int(), opt_int(), opt_int(), opt_int()),
        (prior.clone(), prior, any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                event_id,
                (create_time, updated_at, stage, status),
                (prior_stage, prior_status, created, late),
            )| State {
                event_id,
                source: None,
                kind: if created {
                    Kind::Created
                } else {
                    Kind::Updated
                },
                arrival: 0,
                create_time,
                updated_at,
                stage,
                status,
                prior_stage,
                prior_status,
                late,
            },
        );
    let gap = (opt_text(), any::<bool>(), int(), int(), any::<bool>()).prop_map(
        |(event_id, stage, expected, found, reported)| Gap {
            event_id,
            index: 0,
            field: if stage {
                CodeKind::Stage
            } else {
                CodeKind::Status
            },
            expected,
            found,
            reported,
        },
    );
    (
        text(),
        any::<usize>(),
        any::<usize>(),
        proptest::collection::vec(state, 0..5),
        proptest::collection::vec(gap, 0..3),
    )
        .prop_map(
            |(ticket_id, duplicates, out_of_order, states, gaps)| Timeline {
                ticket_id,
                duplicates,
                out_of_order,
                states,
                gaps,
            },
        )
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_timeline_is_written_as_the_value_rendering_writes_it(t in timeline(), style in style()) {
        let mut buf = Vec::new();
        DiffJson { style: style.clone() }.write_timeline(&mut buf, &t);
        let written = String::from_utf8(buf).expect("UTF-8");
        prop_assert_eq!(written, format!("{}\n", timeline_json(&style, &t)));
    }
}
