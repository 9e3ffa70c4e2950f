//! `parse -o json` writes each line straight from the event, and
//! `diff --timeline -o json` each ticket's line straight from its
//! timeline; the `serde_json::Value` renderings (`parsed_json`, which
//! `listen` and `subscribe` still use, and the timeline's former one, kept
//! here) are their oracles: for any event or timeline, in any style, the
//! two are the same bytes.
//! Here generated events; every fixture's events are in
//! `tests/json_line_fixtures.rs`, the timelines in
//! `tests/json_line_timeline.rs`; the generators and oracles the three
//! share in `tests/common/json_line.rs`.

mod common;

use std::sync::Arc;

use common::json_line::{int, opt_int, opt_text, oracle, style, text, written};
use lark_ticket::event::{
    Approval, Body, CodeKind, CustomField, Envelope, Event, FieldValue, Issue, MessageContent,
    Schema, Ticket, TicketMessage, Transition, User,
};
use lark_ticket::input::Location;
use lark_ticket::render::Parsed;
use proptest::prelude::*;
use serde_json::Value;

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
