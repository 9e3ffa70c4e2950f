//! `parse -o json`'s line written straight into a buffer: the bytes
//! serde_json writes for [`super::parsed_json`] (which the tests keep as
//! the oracle), without building a `serde_json::Value` of a few dozen
//! maps per record first.

use super::{write_field_value, write_str, write_str_contents};
use crate::event::{Body, CodeKind, CustomField, Ticket, TicketMessage, User, challenge_response};
use crate::render::{Parsed, Style};

/// One record's NDJSON line, newline included, appended to `buf`.
pub fn write_parsed(buf: &mut Vec<u8>, style: &Style, parsed: &Parsed<'_>) {
    let event = parsed.event;
    let env = &event.envelope;
    buf.extend_from_slice(b"{\"source\":\"");
    write_str_contents(buf, &parsed.location.source);
    if parsed.location.line != 0 {
        buf.push(b':');
        write_int(buf, parsed.location.line);
    }
    buf.extend_from_slice(if event.is_url_verification() {
        b"\",\"kind\":\"url_verification\",\"schema\":"
    } else {
        b"\",\"kind\":\"event\",\"schema\":"
    });
    write_opt_str(buf, env.schema.map(|s| s.as_str()));
    buf.extend_from_slice(if parsed.encrypted {
        b",\"encrypted\":true,\"event_type\":"
    } else {
        b",\"encrypted\":false,\"event_type\":"
    });
    write_opt_str(buf, env.event_type.as_deref());
    buf.extend_from_slice(b",\"event_id\":");
    write_opt_str(buf, env.event_id.as_deref());
    buf.extend_from_slice(b",\"create_time\":");
    write_opt_int(buf, env.create_time);
    buf.extend_from_slice(b",\"app_id\":");
    write_opt_str(buf, env.app_id.as_deref());
    buf.extend_from_slice(b",\"tenant_key\":");
    write_opt_str(buf, env.tenant_key.as_deref());
    buf.extend_from_slice(b",\"ticket\":");
    match event.ticket() {
        Some(ticket) => write_ticket(buf, style, ticket),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"transitions\":[");
    for (i, t) in event.transitions().iter().enumerate() {
        comma(buf, i);
        buf.extend_from_slice(b"{\"field\":");
        write_str(buf, &t.field);
        buf.extend_from_slice(b",\"from\":");
        write_field_value(buf, style, t.from.as_ref());
        buf.extend_from_slice(b",\"to\":");
        write_field_value(buf, style, t.to.as_ref());
        buf.extend_from_slice(if t.changed {
            b",\"changed\":true}"
        } else {
            b",\"changed\":false}"
        });
    }
    buf.extend_from_slice(b"],\"warnings\":[");
    for (i, issue) in event.warnings().enumerate() {
        comma(buf, i);
        write_str(buf, &issue.to_string());
    }
    buf.push(b']');
    match &event.body {
        Body::UrlVerification { challenge } => {
            buf.extend_from_slice(b",\"challenge\":");
            write_opt_str(buf, challenge.as_deref());
            buf.extend_from_slice(b",\"response\":");
            write_str(buf, &challenge_response(challenge.as_deref()));
        }
        Body::TicketMessage(m) => {
            buf.extend_from_slice(b",\"details\":");
            write_message(buf, style, m);
        }
        Body::Approval(a) => {
            buf.extend_from_slice(b",\"details\":{\"notification_id\":");
            write_opt_str(buf, a.notification_id.as_deref());
            buf.extend_from_slice(b",\"helpdesk_id\":");
            write_opt_str(buf, a.helpdesk_id.as_deref());
            buf.extend_from_slice(b",\"approve_status\":");
            write_opt_str(buf, a.approve_status.as_deref());
            buf.push(b'}');
        }
        Body::Other { keys } => {
            buf.extend_from_slice(b",\"details\":{\"event_keys\":");
            write_strs(buf, keys);
            buf.push(b'}');
        }
        Body::TicketUpdated { .. } | Body::TicketCreated { .. } => {}
    }
    buf.extend_from_slice(b"}\n");
}

fn write_ticket(buf: &mut Vec<u8>, style: &Style, t: &Ticket) {
    buf.extend_from_slice(b"{\"ticket_id\":");
    write_opt_str(buf, t.ticket_id.as_deref());
    buf.extend_from_slice(b",\"helpdesk_id\":");
    write_opt_str(buf, t.helpdesk_id.as_deref());
    buf.extend_from_slice(b",\"chat_id\":");
    write_opt_str(buf, t.chat_id.as_deref());
    buf.extend_from_slice(b",\"stage\":");
    write_coded(buf, style, CodeKind::Stage, t.stage);
    buf.extend_from_slice(b",\"status\":");
    write_coded(buf, style, CodeKind::Status, t.status);
    buf.extend_from_slice(b",\"score\":");
    write_coded(buf, style, CodeKind::Score, t.score);
    buf.extend_from_slice(b",\"solve\":");
    write_coded(buf, style, CodeKind::Solve, t.solve);
    buf.extend_from_slice(b",\"channel\":");
    write_coded(buf, style, CodeKind::Channel, t.channel);
    buf.extend_from_slice(b",\"created_at\":");
    write_opt_int(buf, t.created_at);
    buf.extend_from_slice(b",\"updated_at\":");
    write_opt_int(buf, t.updated_at);
    buf.extend_from_slice(b",\"closed_at\":");
    write_opt_int(buf, t.closed_at);
    buf.extend_from_slice(b",\"guest\":");
    write_opt_user(buf, t.guest.as_deref());
    buf.extend_from_slice(b",\"agents\":");
    write_users(buf, t.agents.as_deref());
    buf.extend_from_slice(b",\"collaborators\":");
    write_users(buf, t.collaborators.as_deref());
    buf.extend_from_slice(b",\"closed_by\":");
    write_opt_user(buf, t.closed_by.as_deref());
    buf.extend_from_slice(b",\"customized_fields\":");
    match &t.customized_fields {
        None => buf.extend_from_slice(b"null"),
        Some(fields) => {
            buf.push(b'[');
            for (i, f) in fields.iter().enumerate() {
                comma(buf, i);
                write_custom_field(buf, f);
            }
            buf.push(b']');
        }
    }
    buf.push(b'}');
}

fn write_custom_field(buf: &mut Vec<u8>, f: &CustomField) {
    buf.extend_from_slice(b"{\"id\":");
    write_opt_str(buf, f.id.as_deref());
    buf.extend_from_slice(b",\"value\":");
    write_opt_str(buf, f.value.as_deref());
    buf.extend_from_slice(b",\"key_name\":");
    write_opt_str(buf, f.key_name.as_deref());
    buf.extend_from_slice(b",\"display_name\":");
    write_opt_str(buf, f.display_name.as_deref());
    buf.extend_from_slice(b",\"position\":");
    write_opt_int(buf, f.position);
    buf.extend_from_slice(b",\"required\":");
    write_opt_bool(buf, f.required);
    buf.extend_from_slice(b",\"editable\":");
    write_opt_bool(buf, f.editable);
    buf.push(b'}');
}

fn write_ids(buf: &mut Vec<u8>, user: &User) {
    buf.extend_from_slice(b"{\"user_id\":");
    write_opt_str(buf, user.user_id.as_deref());
    buf.extend_from_slice(b",\"open_id\":");
    write_opt_str(buf, user.open_id.as_deref());
    buf.extend_from_slice(b",\"union_id\":");
    write_opt_str(buf, user.union_id.as_deref());
    buf.push(b'}');
}

fn write_user(buf: &mut Vec<u8>, user: &User) {
    buf.extend_from_slice(b"{\"id\":");
    write_ids(buf, user);
    buf.extend_from_slice(b",\"name\":");
    write_opt_str(buf, user.name.as_deref());
    buf.extend_from_slice(b",\"avatar_url\":");
    write_opt_str(buf, user.avatar_url.as_deref());
    buf.extend_from_slice(b",\"email\":");
    write_opt_str(buf, user.email.as_deref());
    buf.push(b'}');
}

fn write_opt_user(buf: &mut Vec<u8>, user: Option<&User>) {
    match user {
        Some(user) => write_user(buf, user),
        None => buf.extend_from_slice(b"null"),
    }
}

fn write_users(buf: &mut Vec<u8>, users: Option<&[User]>) {
    let Some(users) = users else {
        buf.extend_from_slice(b"null");
        return;
    };
    buf.push(b'[');
    for (i, user) in users.iter().enumerate() {
        comma(buf, i);
        write_user(buf, user);
    }
    buf.push(b']');
}

fn write_message(buf: &mut Vec<u8>, style: &Style, m: &TicketMessage) {
    buf.extend_from_slice(b"{\"ticket_message_id\":");
    write_opt_str(buf, m.ticket_message_id.as_deref());
    buf.extend_from_slice(b",\"message_id\":");
    write_opt_str(buf, m.message_id.as_deref());
    buf.extend_from_slice(b",\"msg_type\":");
    write_opt_str(buf, m.msg_type.as_deref());
    buf.extend_from_slice(b",\"position\":");
    write_opt_str(buf, m.position.as_deref());
    buf.extend_from_slice(b",\"sender_id\":");
    match &m.sender_id {
        Some(user) => write_ids(buf, user),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"sender_type\":");
    write_coded(buf, style, CodeKind::SenderType, m.sender_type);
    buf.extend_from_slice(b",\"text\":");
    write_opt_str(buf, m.text.as_deref());
    buf.extend_from_slice(b",\"event_id\":");
    write_opt_str(buf, m.event_id.as_deref());
    buf.extend_from_slice(b",\"chat_id\":");
    write_opt_str(buf, m.chat_id.as_deref());
    buf.extend_from_slice(b",\"content\":");
    match &m.content {
        None => buf.extend_from_slice(b"null"),
        Some(c) => {
            buf.extend_from_slice(b"{\"content\":");
            write_opt_str(buf, c.content.as_deref());
            buf.extend_from_slice(b",\"msg_type\":");
            write_opt_str(buf, c.msg_type.as_deref());
            buf.extend_from_slice(b",\"image_keys\":");
            match &c.image_keys {
                Some(keys) => write_strs(buf, keys),
                None => buf.extend_from_slice(b"null"),
            }
            buf.extend_from_slice(b",\"image_key\":");
            write_opt_str(buf, c.image_key.as_deref());
            buf.push(b'}');
        }
    }
    buf.push(b'}');
}

/// An enum-coded value as `{"value":N,"label":"..."}`, or `null`.
pub fn write_coded(buf: &mut Vec<u8>, style: &Style, kind: CodeKind, value: Option<i64>) {
    let Some(value) = value else {
        buf.extend_from_slice(b"null");
        return;
    };
    buf.extend_from_slice(b"{\"value\":");
    write_int(buf, value);
    buf.extend_from_slice(b",\"label\":");
    write_str(buf, &kind.display_cow(value, style.lang));
    buf.push(b'}');
}

fn write_strs<S: AsRef<str>>(buf: &mut Vec<u8>, items: &[S]) {
    buf.push(b'[');
    for (i, item) in items.iter().enumerate() {
        comma(buf, i);
        write_str(buf, item.as_ref());
    }
    buf.push(b']');
}

fn comma(buf: &mut Vec<u8>, index: usize) {
    if index > 0 {
        buf.push(b',');
    }
}

pub fn write_opt_str(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(buf, s),
        None => buf.extend_from_slice(b"null"),
    }
}

/// An integer as serde_json writes it (the same digits, by `itoa`).
pub fn write_int(buf: &mut Vec<u8>, n: impl itoa::Integer) {
    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

pub fn write_opt_int(buf: &mut Vec<u8>, n: Option<i64>) {
    match n {
        Some(n) => write_int(buf, n),
        None => buf.extend_from_slice(b"null"),
    }
}

fn write_opt_bool(buf: &mut Vec<u8>, b: Option<bool>) {
    buf.extend_from_slice(match b {
        Some(true) => b"true",
        Some(false) => b"false",
        None => b"null",
    });
}
