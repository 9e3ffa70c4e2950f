//! Tables for people: the envelope, then the ticket state with the
//! `old_object` -> `object` transitions beside it (stacked when the terminal
//! is too narrow).

use std::io::{self, Write};

use comfy_table::Table;

use super::grid::{Grid, side_by_side};
use super::words::Noun;
pub use super::words::plural;
use super::{Parsed, Renderer, Style, Summary, text};
use crate::event::{Body, CodeKind, Ticket, TicketMessage, User, challenge_response};
use crate::event::{FieldValue, Transition};

pub struct TableRenderer {
    pub style: Style,
    /// Terminal width, when known.
    pub width: Option<usize>,
    first: bool,
}

impl TableRenderer {
    pub fn new(style: Style) -> TableRenderer {
        TableRenderer {
            style,
            width: terminal_width(),
            first: true,
        }
    }
}

/// The width to fit: the terminal's, else `COLUMNS`, else unbounded.
pub fn terminal_width() -> Option<usize> {
    Table::new()
        .width()
        .map(usize::from)
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
}

pub fn new_table(width: Option<usize>) -> Grid {
    Grid::new(width)
}

impl Renderer for TableRenderer {
    fn parsed(&mut self, out: &mut dyn Write, parsed: &Parsed<'_>) -> io::Result<()> {
        self.separate(out)?;
        self.record(out, parsed)
    }

    fn rendered(&mut self, out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
        self.separate(out)?;
        out.write_all(bytes)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if summary.records + summary.bad <= 1 {
            return Ok(());
        }
        let w = self.style.words();
        let types: Vec<String> = summary
            .by_type
            .iter()
            .map(|(t, n)| format!("{n} {t}"))
            .collect();
        let records = w.count(summary.records, Noun::Record);
        let bad = w.count(summary.bad, Noun::BadRecord);
        let line = if types.is_empty() {
            format!("{records}{}{bad}", w.comma())
        } else {
            format!(
                "{records}{}{}{bad}",
                w.parenthesized(&types.join(w.comma())),
                w.comma()
            )
        };
        writeln!(out, "\n{}", self.style.dim(&text(&line)))
    }
}

impl TableRenderer {
    /// A blank line between records.
    fn separate(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.first {
            writeln!(out)?;
        }
        self.first = false;
        Ok(())
    }

    /// One record's tables, without the line that separates it from the
    /// one before (no state: workers render records in parallel, and
    /// [`Renderer::rendered`] writes them out).
    pub fn record(&self, out: &mut dyn Write, parsed: &Parsed<'_>) -> io::Result<()> {
        let s = &self.style;
        let w = s.words();
        let event = parsed.event;

        let env = &event.envelope;
        let title = match &event.body {
            Body::UrlVerification { .. } => "url_verification".to_string(),
            _ => env
                .event_type
                .as_deref()
                .map_or_else(|| w.no_event_type.to_string(), text),
        };
        writeln!(
            out,
            "{} {}",
            s.bold(&text(&parsed.location.to_string())),
            s.bold(&title)
        )?;

        let mut envelope = new_table(self.width);
        let opt = |v: &Option<String>| v.as_deref().map_or_else(|| s.dim("-"), text);
        if let Some(schema) = env.schema {
            envelope.add_row(vec!["schema".to_string(), schema.as_str().to_string()]);
            envelope.add_row(vec!["event_id".to_string(), opt(&env.event_id)]);
            envelope.add_row(vec![
                "create_time".to_string(),
                env.create_time.map_or_else(|| s.dim("-"), |ms| s.time(ms)),
            ]);
            envelope.add_row(vec!["app_id".to_string(), opt(&env.app_id)]);
            envelope.add_row(vec!["tenant_key".to_string(), opt(&env.tenant_key)]);
        }
        envelope.add_row(vec![
            "encrypted".to_string(),
            if parsed.encrypted { w.yes } else { w.no }.to_string(),
        ]);
        if let Body::UrlVerification { challenge } = &event.body {
            envelope.add_row(vec!["challenge".to_string(), opt(challenge)]);
            envelope.add_row(vec![
                w.respond_with.to_string(),
                text(&challenge_response(challenge.as_deref())),
            ]);
            envelope.add_row(vec![
                "token".to_string(),
                if env.token.is_some() {
                    w.token_present
                } else {
                    w.token_absent
                }
                .to_string(),
            ]);
        }
        writeln!(out, "{envelope}")?;

        match &event.body {
            Body::TicketUpdated {
                ticket,
                transitions,
                ..
            } => {
                let left = ticket_table(s, ticket, self.width);
                let right = transition_table(s, transitions, self.width);
                side_by_side(out, &left, &right, self.width)?;
            }
            Body::TicketCreated { ticket } => {
                writeln!(out, "{}", ticket_table(s, ticket, self.width))?
            }
            Body::TicketMessage(m) => {
                let left = message_table(s, m, self.width);
                match &m.ticket {
                    Some(t) => {
                        let right = ticket_table(s, t, self.width);
                        side_by_side(out, &left, &right, self.width)?;
                    }
                    None => writeln!(out, "{left}")?,
                }
            }
            Body::Approval(a) => {
                let mut t = new_table(self.width);
                t.set_header(vec![w.notification, ""]);
                t.add_row(vec!["notification_id".to_string(), opt(&a.notification_id)]);
                t.add_row(vec!["helpdesk_id".to_string(), opt(&a.helpdesk_id)]);
                t.add_row(vec!["approve_status".to_string(), opt(&a.approve_status)]);
                writeln!(out, "{t}")?;
            }
            Body::Other { keys } => {
                let mut t = new_table(self.width);
                t.set_header(vec![w.event_keys]);
                t.add_row(vec![if keys.is_empty() {
                    s.dim(w.none)
                } else {
                    text(&keys.join(", "))
                }]);
                writeln!(out, "{t}")?;
            }
            Body::UrlVerification { .. } => {}
        }
        Ok(())
    }
}

fn coded(s: &Style, kind: CodeKind, value: Option<i64>) -> String {
    match value {
        Some(v) => format!("{} ({v})", s.label(kind, v)),
        None => s.dim("-"),
    }
}

fn time(s: &Style, value: Option<i64>) -> String {
    value.map_or_else(|| s.dim("-"), |ms| s.time(ms))
}

fn users(s: &Style, users: Option<&Vec<User>>) -> String {
    match users {
        Some(list) if !list.is_empty() => {
            text(&list.iter().map(User::short).collect::<Vec<_>>().join("\n"))
        }
        Some(_) => s.dim(s.words().none),
        None => s.dim("-"),
    }
}

fn ticket_table(s: &Style, t: &Ticket, width: Option<usize>) -> Grid {
    let opt = |v: &Option<String>| v.as_deref().map_or_else(|| s.dim("-"), text);
    let mut table = new_table(width);
    table.set_header(vec![s.bold(s.words().ticket), String::new()]);
    let rows: Vec<(&str, String)> = vec![
        ("ticket_id", opt(&t.ticket_id)),
        ("helpdesk_id", opt(&t.helpdesk_id)),
        ("chat_id", opt(&t.chat_id)),
        ("stage", coded(s, CodeKind::Stage, t.stage)),
        ("status", coded(s, CodeKind::Status, t.status)),
        ("score", coded(s, CodeKind::Score, t.score)),
        ("solve", coded(s, CodeKind::Solve, t.solve)),
        ("channel", coded(s, CodeKind::Channel, t.channel)),
        ("created_at", time(s, t.created_at)),
        ("updated_at", time(s, t.updated_at)),
        ("closed_at", time(s, t.closed_at)),
        (
            "guest",
            t.guest.as_deref().map_or_else(|| s.dim("-"), short),
        ),
        ("agents", users(s, t.agents.as_ref())),
        ("collaborators", users(s, t.collaborators.as_ref())),
        (
            "closed_by",
            t.closed_by.as_deref().map_or_else(|| s.dim("-"), short),
        ),
        (
            "customized_fields",
            match &t.customized_fields {
                Some(fields) if !fields.is_empty() => text(
                    &fields
                        .iter()
                        .map(|f| {
                            let name = f
                                .display_name
                                .as_deref()
                                .or(f.key_name.as_deref())
                                .or(f.id.as_deref())
                                .unwrap_or("?");
                            format!("{name}: {}", f.value.as_deref().unwrap_or("-"))
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Some(_) => s.dim(s.words().none),
                None => s.dim("-"),
            },
        ),
    ];
    for (name, value) in rows {
        table.add_row(vec![name.to_string(), value]);
    }
    table
}

fn transition_table(s: &Style, transitions: &[Transition], width: Option<usize>) -> Grid {
    let w = s.words();
    let mut table = new_table(width);
    table.set_header(vec![
        s.bold("old_object → object"),
        s.bold(w.before),
        s.bold(w.after),
        String::new(),
    ]);
    if transitions.is_empty() {
        table.add_row(vec![
            s.dim(w.no_old_object_fields),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for t in transitions {
        let from = t.from.as_ref().map_or_else(|| s.dim("-"), |v| cell(s, v));
        let to = t.to.as_ref().map_or_else(|| s.dim("-"), |v| cell(s, v));
        let (from, to, mark) = if t.changed {
            (s.red(&from), s.green(&to), s.yellow(w.changed))
        } else {
            (from, to, s.dim(w.same))
        };
        table.add_row(vec![text(&t.field), from, to, mark]);
    }
    table
}

/// A transition side as a table cell: codes keep their number beside the label.
fn cell(s: &Style, value: &FieldValue) -> String {
    match value {
        FieldValue::Code(kind, v) => coded(s, *kind, Some(*v)),
        other => text(&s.field_value_label(other)),
    }
}

fn message_table(s: &Style, m: &TicketMessage, width: Option<usize>) -> Grid {
    let opt = |v: &Option<String>| v.as_deref().map_or_else(|| s.dim("-"), text);
    let mut table = new_table(width);
    table.set_header(vec![s.bold(s.words().message), String::new()]);
    let content = m.content.as_ref().map(|c| {
        let mut parts = Vec::new();
        if let Some(t) = &c.msg_type {
            parts.push(format!("[{t}]"));
        }
        if let Some(text) = &c.content {
            parts.push(text.clone());
        }
        if let Some(keys) = &c.image_keys {
            parts.extend(keys.iter().map(|k| format!("image {k}")));
        }
        if let Some(key) = &c.image_key {
            parts.push(format!("image {key}"));
        }
        parts.join(" ")
    });
    let rows: Vec<(&str, String)> = vec![
        ("ticket_message_id", opt(&m.ticket_message_id)),
        ("message_id", opt(&m.message_id)),
        ("msg_type", opt(&m.msg_type)),
        ("position", opt(&m.position)),
        (
            "sender",
            m.sender_id.as_ref().map_or_else(|| s.dim("-"), short),
        ),
        ("sender_type", coded(s, CodeKind::SenderType, m.sender_type)),
        ("text", opt(&m.text)),
        ("chat_id", opt(&m.chat_id)),
        ("content", opt(&content)),
    ];
    for (name, value) in rows {
        table.add_row(vec![name.to_string(), value]);
    }
    table
}

/// A user as `name (id)`, made safe to show.
fn short(user: &User) -> String {
    text(&user.short())
}
