//! NDJSON: one object per record per line, field names as the contract
//! gives them, never colour.

mod line;

use std::io::{self, Write};

use serde_json::{Value, json};

pub use line::{write_coded, write_int, write_opt_int, write_opt_str, write_parsed};

use super::{Parsed, Renderer, Style};
use crate::event::{Body, CodeKind, CustomField, Ticket, TicketMessage, User, challenge_response};
use crate::event::{FieldValue, Transition};

pub struct JsonRenderer {
    pub style: Style,
}

impl Renderer for JsonRenderer {
    fn parsed(&mut self, out: &mut dyn Write, parsed: &Parsed<'_>) -> io::Result<()> {
        self.line(out, parsed)
    }
}

impl JsonRenderer {
    /// One record's NDJSON line (no state: workers render lines in parallel).
    pub fn line(&self, out: &mut dyn Write, parsed: &Parsed<'_>) -> io::Result<()> {
        let mut buf = Vec::with_capacity(2048);
        self.write_line(&mut buf, parsed);
        out.write_all(&buf)
    }

    /// [`JsonRenderer::line`] into a buffer: written straight from the
    /// event, the bytes serde_json writes for [`parsed_json`].
    pub fn write_line(&self, buf: &mut Vec<u8>, parsed: &Parsed<'_>) {
        write_parsed(buf, &self.style, parsed);
    }
}

pub fn parsed_json(style: &Style, parsed: &Parsed<'_>) -> Value {
    let event = parsed.event;
    let env = &event.envelope;
    let kind = if event.is_url_verification() {
        "url_verification"
    } else {
        "event"
    };
    let mut obj = json!({
        "source": parsed.location.to_string(),
        "kind": kind,
        "schema": env.schema.map(|s| s.as_str()),
        "encrypted": parsed.encrypted,
        "event_type": env.event_type,
        "event_id": env.event_id,
        "create_time": env.create_time,
        "app_id": env.app_id,
        "tenant_key": env.tenant_key,
        "ticket": event.ticket().map(|t| ticket_json(style, t)),
        "transitions": event.transitions().iter().map(|t| transition_json(style, t)).collect::<Vec<_>>(),
        "warnings": event.warnings().map(ToString::to_string).collect::<Vec<_>>(),
    });
    if let Some(map) = obj.as_object_mut() {
        match &event.body {
            Body::UrlVerification { challenge } => {
                map.insert("challenge".into(), json!(challenge));
                map.insert(
                    "response".into(),
                    json!(challenge_response(challenge.as_deref())),
                );
            }
            Body::TicketMessage(m) => {
                map.insert("details".into(), message_json(style, m));
            }
            Body::Approval(a) => {
                map.insert(
                    "details".into(),
                    json!({"notification_id": a.notification_id, "helpdesk_id": a.helpdesk_id, "approve_status": a.approve_status}),
                );
            }
            Body::Other { keys } => {
                map.insert("details".into(), json!({ "event_keys": keys }));
            }
            Body::TicketUpdated { .. } | Body::TicketCreated { .. } => {}
        }
    }
    obj
}

fn coded(style: &Style, kind: CodeKind, value: Option<i64>) -> Value {
    match value {
        Some(v) => json!({"value": v, "label": style.label(kind, v)}),
        None => Value::Null,
    }
}

/// One side of a transition, serialized as `{"value":..,"label":..}`
/// straight to the output (the hot path of `diff -o json`).
pub struct FieldValueOut<'a> {
    pub style: &'a Style,
    pub value: &'a FieldValue,
}

impl serde::Serialize for FieldValueOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(2))?;
        match self.value {
            FieldValue::Code(kind, v) => {
                map.serialize_entry("value", v)?;
                map.serialize_entry("label", &kind.display_cow(*v, self.style.lang))?;
            }
            FieldValue::Time(ms) => {
                map.serialize_entry("value", ms)?;
                map.serialize_entry("label", &self.style.time(*ms))?;
            }
            FieldValue::Raw(v) => {
                map.serialize_entry("value", v)?;
                map.serialize_entry("label", &self.style.field_value_label(self.value))?;
            }
        }
        map.end()
    }
}

/// A JSON string into `buf`, escaped exactly as serde_json escapes it.
/// Most strings (ids, field names, labels) need no escape: those are
/// copied whole after one check that runs many bytes at a time.
#[inline]
pub fn write_str(buf: &mut Vec<u8>, s: &str) {
    if needs_no_escape(s) {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    } else {
        // Into a Vec a string always serializes.
        let _ = serde_json::to_writer(&mut *buf, s);
    }
}

/// A string of our own that needs no escape (a code's label, a formatted
/// time), quoted as it is: what [`write_str`] writes, without the check.
fn write_own_str(buf: &mut Vec<u8>, s: &str) {
    debug_assert!(needs_no_escape(s), "{s:?}");
    buf.push(b'"');
    buf.extend_from_slice(s.as_bytes());
    buf.push(b'"');
}

/// [`write_str`] without the quotes.
pub fn write_str_contents(buf: &mut Vec<u8>, s: &str) {
    if needs_no_escape(s) {
        buf.extend_from_slice(s.as_bytes());
    } else {
        let start = buf.len();
        write_str(buf, s);
        // Drop the quotes around what serde_json wrote.
        buf.remove(start);
        buf.pop();
    }
}

/// Whether serde_json would write `s` as it is: no quote, backslash or
/// control character. Checked many bytes at a time: 16 in a vector (the
/// last 16 overlapping), or a short string in one word; measured with
/// callgrind on the ids and labels of a record, 42 instructions a string
/// against 110 a byte at a time.
fn needs_no_escape(s: &str) -> bool {
    let b = s.as_bytes();
    if let Some(last) = b.last_chunk::<16>() {
        let (chunks, _) = b.as_chunks::<16>();
        return !chunks.iter().any(escapes_any) && !escapes_any(last);
    }
    if let (Some(lo), Some(hi)) = (b.first_chunk::<8>(), b.last_chunk::<8>()) {
        return !word_escapes(u64::from_le_bytes(*lo)) && !word_escapes(u64::from_le_bytes(*hi));
    }
    if let (Some(lo), Some(hi)) = (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        let word = u64::from(u32::from_le_bytes(*lo)) | (u64::from(u32::from_le_bytes(*hi)) << 32);
        return !word_escapes(word);
    }
    !b.iter().any(|&c| escapes(c))
}

fn escapes(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// No early exit inside the 16 bytes, so that they are checked as a vector.
#[inline(always)]
fn escapes_any(chunk: &[u8; 16]) -> bool {
    chunk.iter().fold(false, |any, &b| any | escapes(b))
}

/// Whether any of eight bytes escapes: the classic bit tricks for "a byte
/// below n" and "a zero byte", exact as to whether there is one.
fn word_escapes(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    below_space | zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\'))) != 0
}

/// A field value `{"value":...,"label":...}` (or `null`) into `buf`, as
/// [`FieldValueOut`] serializes it.
pub fn write_field_value(buf: &mut Vec<u8>, style: &Style, value: Option<&FieldValue>) {
    match value {
        None => buf.extend_from_slice(b"null"),
        Some(FieldValue::Code(kind, v)) => {
            buf.extend_from_slice(b"{\"value\":");
            write_int(buf, *v);
            buf.extend_from_slice(b",\"label\":");
            write_own_str(buf, &kind.display_cow(*v, style.lang));
            buf.push(b'}');
        }
        Some(FieldValue::Time(ms)) => {
            buf.extend_from_slice(b"{\"value\":");
            write_int(buf, *ms);
            buf.extend_from_slice(b",\"label\":\"");
            style.write_time(buf, *ms);
            buf.extend_from_slice(b"\"}");
        }
        Some(value) => {
            let _ = serde_json::to_writer(&mut *buf, &FieldValueOut { style, value });
        }
    }
}

pub fn field_value_json(style: &Style, value: &FieldValue) -> Value {
    let label = style.field_value_label(value);
    match value {
        FieldValue::Code(_, v) | FieldValue::Time(v) => json!({"value": v, "label": label}),
        FieldValue::Raw(v) => json!({"value": v, "label": label}),
    }
}

pub fn transition_json(style: &Style, t: &Transition) -> Value {
    json!({
        "field": t.field,
        "from": t.from.as_ref().map(|v| field_value_json(style, v)),
        "to": t.to.as_ref().map(|v| field_value_json(style, v)),
        "changed": t.changed,
    })
}

pub fn user_json(user: &User) -> Value {
    json!({
        "id": {"user_id": user.user_id, "open_id": user.open_id, "union_id": user.union_id},
        "name": user.name,
        "avatar_url": user.avatar_url,
        "email": user.email,
    })
}

fn users_json(users: Option<&Vec<User>>) -> Value {
    users.map_or(Value::Null, |u| {
        Value::Array(u.iter().map(user_json).collect())
    })
}

fn custom_field_json(f: &CustomField) -> Value {
    json!({
        "id": f.id, "value": f.value, "key_name": f.key_name, "display_name": f.display_name,
        "position": f.position, "required": f.required, "editable": f.editable,
    })
}

pub fn ticket_json(style: &Style, t: &Ticket) -> Value {
    json!({
        "ticket_id": t.ticket_id,
        "helpdesk_id": t.helpdesk_id,
        "chat_id": t.chat_id,
        "stage": coded(style, CodeKind::Stage, t.stage),
        "status": coded(style, CodeKind::Status, t.status),
        "score": coded(style, CodeKind::Score, t.score),
        "solve": coded(style, CodeKind::Solve, t.solve),
        "channel": coded(style, CodeKind::Channel, t.channel),
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "closed_at": t.closed_at,
        "guest": t.guest.as_deref().map(user_json),
        "agents": users_json(t.agents.as_ref()),
        "collaborators": users_json(t.collaborators.as_ref()),
        "closed_by": t.closed_by.as_deref().map(user_json),
        "customized_fields": t.customized_fields.as_ref().map(|f| f.iter().map(custom_field_json).collect::<Vec<_>>()),
    })
}

fn message_json(style: &Style, m: &TicketMessage) -> Value {
    json!({
        "ticket_message_id": m.ticket_message_id,
        "message_id": m.message_id,
        "msg_type": m.msg_type,
        "position": m.position,
        "sender_id": m.sender_id.as_ref().map(|u| json!({"user_id": u.user_id, "open_id": u.open_id, "union_id": u.union_id})),
        "sender_type": coded(style, CodeKind::SenderType, m.sender_type),
        "text": m.text,
        "event_id": m.event_id,
        "chat_id": m.chat_id,
        "content": m.content.as_ref().map(|c| json!({"content": c.content, "msg_type": c.msg_type, "image_keys": c.image_keys, "image_key": c.image_key})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast check agrees with a byte at a time, and [`write_str`] with
    /// serde_json, for every length up to 40 with any character at any
    /// position.
    #[test]
    fn escape_check_agrees_with_a_byte_at_a_time() {
        for len in 0..40 {
            for pos in 0..len {
                for c in [
                    '\0', '\u{1f}', '"', '\\', '\u{7f}', ' ', '!', '#', ']', 'é', '😀',
                ] {
                    let mut text: String = "a".repeat(len);
                    text.replace_range(pos..=pos, c.encode_utf8(&mut [0; 4]));
                    assert_eq!(
                        needs_no_escape(&text),
                        !text.bytes().any(escapes),
                        "{text:?}"
                    );
                    let mut ours = Vec::new();
                    write_str(&mut ours, &text);
                    assert_eq!(
                        ours,
                        serde_json::to_vec(&text).unwrap_or_default(),
                        "{text:?}"
                    );
                }
            }
        }
    }

    /// Every label of every code, known or not, in both languages, and
    /// times in several zones and out of range, need no escape: what
    /// [`write_own_str`] takes for granted.
    #[test]
    fn our_own_strings_need_no_escape() {
        use crate::event::{CodeKind, Lang};
        use CodeKind::*;
        for lang in [Lang::En, Lang::Zh] {
            for kind in [Stage, Status, Score, Solve, Channel, SenderType] {
                for value in [
                    -1,
                    0,
                    1,
                    2,
                    3,
                    4,
                    5,
                    6,
                    7,
                    8,
                    9,
                    10,
                    50,
                    51,
                    52,
                    99,
                    i64::MIN,
                ] {
                    let label = kind.display_cow(value, lang);
                    assert!(needs_no_escape(&label), "{label:?}");
                }
            }
            for tz in [
                jiff::tz::TimeZone::UTC,
                jiff::tz::TimeZone::fixed(jiff::tz::offset(-11)),
            ] {
                let style = Style::new(false, lang, tz);
                for ms in [-1, 0, 1_700_000_000_123, i64::MIN, i64::MAX] {
                    assert!(needs_no_escape(&style.time(ms)), "{ms}");
                }
            }
        }
    }
}
