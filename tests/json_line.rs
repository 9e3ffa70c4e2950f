//! `parse -o json` writes each line straight from the event, and
//! `diff --timeline -o json` each ticket's line straight from its
//! timeline; the `serde_json::Value` renderings (`parsed_json`, which
//! `listen` and `subscribe` still use, and the timeline's former one, kept
//! here) are their oracles: for any event or timeline, in any style, the
//! two are the same bytes.

use std::sync::Arc;

use jiff::tz::TimeZone;
use lark_ticket::event::{
    Approval, Body, CodeKind, CustomField, Envelope, Event, FieldValue, Issue, Lang,
    MessageContent, Schema, Ticket, TicketMessage, Transition, User,
};
use lark_ticket::input::Location;
use lark_ticket::render::diff::TimelineText;
use lark_ticket::render::diff::json::DiffJson;
use lark_ticket::render::json::{JsonRenderer, parsed_json};
use lark_ticket::render::{Parsed, Style};
use lark_ticket::timeline::{Gap, Kind, Prior, State, Timeline};
use proptest::prelude::*;
use serde_json::Value;

/// Text with everything an escaper must get right: quotes, backslashes,
/// C0 controls, DEL, C1, non-ASCII and astral characters.
const TEXT: &str = "[a-z0-9 \"\\\\\\x00-\\x1f\\x7f\\u{85}\\u{e9}\\u{4e2d}\\u{1f600}]{0,10}";

fn text() -> impl Strategy<Value = String> {
    TEXT
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

/// Integers at their extremes as often as in between.
fn int() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(-1i64),
        Just(0i64),
        Just(i64::MIN),
        Just(i64::MAX),
        -5i64..60,
        0i64..4_000_000_000_000,
        any::<i64>(),
    ]
}

fn opt_int() -> impl Strategy<Value = Option<i64>> {
    proptest::option::of(int())
}

fn user() -> BoxedStrategy<User> {
    (
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
    )
        .prop_map(
            |(user_id, open_id, union_id, name, avatar_url, email)| User {
                user_id,
                open_id,
                union_id,
                name,
                avatar_url,
                email,
            },
        )
        .boxed()
}

fn users() -> impl Strategy<Value = Option<Vec<User>>> {
    proptest::option::of(proptest::collection::vec(user(), 0..3))
}

fn custom_field() -> BoxedStrategy<CustomField> {
    (
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_int(),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(id, value, key_name, display_name, position, required, editable)| CustomField {
                id,
                value,
                key_name,
                display_name,
                position,
                required,
                editable,
            },
        )
        .boxed()
}

fn ticket() -> BoxedStrategy<Ticket> {
    (
        (opt_text(), opt_text(), opt_text()),
        (opt_int(), opt_int(), opt_int(), opt_int(), opt_int()),
        (opt_int(), opt_int(), opt_int()),
        (proptest::option::of(user()), users(), users()),
        proptest::option::of(user()),
        proptest::option::of(proptest::collection::vec(custom_field(), 0..3)),
    )
        .prop_map(
            |(
                (ticket_id, helpdesk_id, chat_id),
                (stage, status, score, solve, channel),
                (created_at, updated_at, closed_at),
                (guest, agents, collaborators),
                closed_by,
                customized_fields,
            )| Ticket {
                ticket_id,
                helpdesk_id,
                chat_id,
                stage,
                status,
                score,
                solve,
                channel,
                created_at,
                updated_at,
                closed_at,
                guest: guest.map(Box::new),
                agents,
                collaborators,
                closed_by: closed_by.map(Box::new),
                customized_fields,
            },
        )
        .boxed()
}

fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        int().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn code_kind() -> impl Strategy<Value = CodeKind> {
    prop_oneof![
        Just(CodeKind::Stage),
        Just(CodeKind::Status),
        Just(CodeKind::Score),
        Just(CodeKind::Solve),
        Just(CodeKind::Channel),
        Just(CodeKind::SenderType),
    ]
}

fn field_value() -> impl Strategy<Value = Option<FieldValue>> {
    proptest::option::of(prop_oneof![
        (code_kind(), int()).prop_map(|(kind, v)| FieldValue::Code(kind, v)),
        int().prop_map(FieldValue::Time),
        json_value().prop_map(FieldValue::Raw),
    ])
}

fn transition() -> BoxedStrategy<Transition> {
    (text(), field_value(), field_value(), any::<bool>())
        .prop_map(|(field, from, to, changed)| Transition {
            field: field.into(),
            from,
            to,
            changed,
        })
        .boxed()
}

fn message() -> BoxedStrategy<TicketMessage> {
    let content = (
        opt_text(),
        opt_text(),
        proptest::option::of(proptest::collection::vec(text(), 0..3)),
        opt_text(),
    )
        .prop_map(
            |(content, msg_type, image_keys, image_key)| MessageContent {
                content,
                msg_type,
                image_keys,
                image_key,
            },
        );
    (
        (opt_text(), opt_text(), opt_text(), opt_text()),
        (proptest::option::of(user()), opt_int(), opt_text()),
        (opt_text(), opt_text(), proptest::option::of(content)),
        proptest::option::of(ticket()),
    )
        .prop_map(
            |(
                (ticket_message_id, message_id, msg_type, position),
                (sender_id, sender_type, text),
                (event_id, chat_id, content),
                ticket,
            )| TicketMessage {
                ticket_message_id,
                message_id,
                msg_type,
                position,
                sender_id,
                sender_type,
                text,
                event_id,
                chat_id,
                content,
                ticket: ticket.map(Box::new),
            },
        )
        .boxed()
}

fn body() -> BoxedStrategy<Body> {
    prop_oneof![
        opt_text().prop_map(|challenge| Body::UrlVerification { challenge }),
        (
            ticket(),
            proptest::collection::vec(transition(), 0..4),
            any::<bool>()
        )
            .prop_map(|(ticket, transitions, old_object)| Body::TicketUpdated {
                ticket,
                transitions,
                old_object,
            }),
        ticket().prop_map(|ticket| Body::TicketCreated { ticket }),
        message().prop_map(Body::TicketMessage),
        (opt_text(), opt_text(), opt_text()).prop_map(
            |(notification_id, helpdesk_id, approve_status)| Body::Approval(Approval {
                notification_id,
                helpdesk_id,
                approve_status,
            })
        ),
        proptest::collection::vec(text(), 0..4).prop_map(|keys| Body::Other { keys }),
    ]
    .boxed()
}

fn event() -> BoxedStrategy<Event> {
    let envelope = (
        proptest::option::of(prop_oneof![Just(Schema::V2), Just(Schema::V1)]),
        (opt_text(), opt_text(), opt_int()),
        (opt_text(), opt_text(), opt_text()),
    )
        .prop_map(
            |(schema, (event_type, event_id, create_time), (token, app_id, tenant_key))| Envelope {
                schema,
                event_type,
                event_id,
                create_time,
                token,
                app_id,
                tenant_key,
            },
        );
    let issue = (text(), text(), any::<bool>()).prop_map(|(path, message, warn)| Issue {
        path,
        message,
        warn,
    });
    (envelope, body(), proptest::collection::vec(issue, 0..3))
        .prop_map(|(envelope, body, issues)| Event {
            envelope,
            body,
            issues,
        })
        .boxed()
}

fn style() -> impl Strategy<Value = Style> {
    (any::<bool>(), any::<bool>(), -12i8..=14).prop_map(|(color, zh, zone)| {
        let lang = if zh { Lang::Zh } else { Lang::En };
        let tz = if zone == 0 {
            TimeZone::UTC
        } else {
            TimeZone::fixed(jiff::tz::offset(zone))
        };
        Style::new(color, lang, tz)
    })
}

/// The oracle: serde_json's bytes for the Value rendering, and a newline.
fn oracle(style: &Style, parsed: &Parsed<'_>) -> String {
    format!("{}\n", parsed_json(style, parsed))
}

fn written(style: &Style, parsed: &Parsed<'_>) -> String {
    let mut buf = Vec::new();
    JsonRenderer {
        style: style.clone(),
    }
    .write_line(&mut buf, parsed);
    String::from_utf8(buf).expect("UTF-8")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_event_is_written_as_the_value_rendering_writes_it(
        event in event(),
        style in style(),
        source in text(),
        line in prop_oneof![Just(0u64), any::<u64>()],
        encrypted in any::<bool>(),
    ) {
        let location = Location::new(Arc::from(source.as_str()), line);
        let parsed = Parsed { location: &location, encrypted, event: &event };
        prop_assert_eq!(written(&style, &parsed), oracle(&style, &parsed));
    }
}

/// Every fixture's events, read as `parse` reads them, in both languages
/// and in a zone other than UTC.
#[test]
fn every_fixture_is_written_as_the_value_rendering_writes_it() {
    let mut compared = 0;
    for entry in std::fs::read_dir("testdata").expect("testdata") {
        let path = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let docs = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        for (i, doc) in docs.enumerate() {
            let Ok(doc) = doc else { break };
            let Ok(event) = Event::from_slice(doc.to_string().as_bytes()) else {
                continue;
            };
            let location = Location::new(Arc::from(path.to_string_lossy().as_ref()), i as u64 + 1);
            for (lang, zone) in [(Lang::En, 0), (Lang::Zh, 8), (Lang::En, -5)] {
                let tz = if zone == 0 {
                    TimeZone::UTC
                } else {
                    TimeZone::fixed(jiff::tz::offset(zone))
                };
                let style = Style::new(false, lang, tz);
                let parsed = Parsed {
                    location: &location,
                    encrypted: i % 2 == 0,
                    event: &event,
                };
                assert_eq!(
                    written(&style, &parsed),
                    oracle(&style, &parsed),
                    "{path:?}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 30, "only {compared} events compared");
}

// ---- diff --timeline -o json: one line per ticket ----

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
