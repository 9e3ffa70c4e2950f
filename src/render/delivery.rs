//! A delivery as `listen` shows it: where it came from, the event as
//! `parse` shows it, the checks as `verify` shows them, and the answer
//! given. One JSON object per delivery, or a console line with the tables
//! under it. Nothing here is HTTP's own: a delivery is an HTTP request, or
//! a message of the long connection.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::json::parsed_json;
use super::table::{TableRenderer, terminal_width};
use super::{Parsed, Renderer, Style, text};
use crate::input::Location;
use crate::verify::Verdict;

/// The longest answer body shown in the table.
const SHOWN_BODY: usize = 200;

/// Where a delivery came from.
pub enum Via<'a> {
    /// An HTTP request: its method and target, or `None` when its head
    /// could not be read.
    Http(Option<(&'a str, &'a str)>),
    /// A message of the long connection.
    Message {
        message_id: &'a str,
        trace_id: Option<&'a str>,
    },
}

/// A status and body given in answer.
#[derive(Clone, Copy)]
pub struct Answer<'a> {
    pub status: u16,
    pub body: &'a [u8],
}

/// What reading a delivery as a record found.
pub struct Findings<'a> {
    /// Where the record is: the request, or its line in the capture file.
    pub location: &'a Location,
    /// The event, as `parse` shows it.
    pub event: Option<Parsed<'a>>,
    /// The checks, when they could run.
    pub verdict: Option<&'a Verdict>,
    /// Why the checks were skipped.
    pub skipped: Option<&'a str>,
    /// Why the record could not be processed, or is not an event.
    pub error: Option<&'a str>,
}

/// One delivery, answered.
pub struct Delivery<'a> {
    /// When it arrived, in ms since the epoch.
    pub received_at: i64,
    pub via: Via<'a>,
    /// Present when the delivery was read as a record.
    pub findings: Option<Findings<'a>>,
    /// The receiver's own answer.
    pub answer: Answer<'a>,
    /// The user's handler's answer (relayed), or why it could not be had.
    pub forwarded: Option<Result<Answer<'a>, &'a str>>,
    pub elapsed_ms: u128,
    /// Why the delivery was not read as a record, in a word.
    pub note: Option<&'a str>,
    /// An event already seen in this run (same `event_id`): a redelivery.
    pub duplicate: bool,
}

/// An HTTP request: `{"received_at","method","path","source","status","response",
/// "elapsed_ms","error","parse","verify","checks_skipped","forwarded"}`. A message of the
/// long connection: `{"received_at","message_id","trace_id","source","duplicate","status",
/// "elapsed_ms","error","parse"}`.
pub fn json(style: &Style, d: &Delivery<'_>) -> Value {
    let findings = d.findings.as_ref();
    let mut line = Map::new();
    line.insert("received_at".into(), json!(d.received_at));
    let source = json!(findings.map(|f| f.location.to_string()));
    let error = findings.and_then(|f| f.error).or(d.note);
    let parse = findings.and_then(|f| Some(parsed_json(style, f.event.as_ref()?)));
    match d.via {
        Via::Http(request) => {
            line.insert("method".into(), json!(request.map(|(method, _)| method)));
            line.insert("path".into(), json!(request.map(|(_, target)| target)));
        }
        Via::Message {
            message_id,
            trace_id,
        } => {
            line.insert("message_id".into(), json!(message_id));
            line.insert("trace_id".into(), json!(trace_id));
            line.insert("source".into(), source);
            line.insert("duplicate".into(), json!(d.duplicate));
            line.insert("status".into(), json!(d.answer.status));
            line.insert("elapsed_ms".into(), json!(d.elapsed_ms));
            line.insert("error".into(), json!(error));
            line.insert("parse".into(), json!(parse));
            return Value::Object(line);
        }
    }
    line.insert("source".into(), source);
    line.insert("status".into(), json!(d.answer.status));
    line.insert(
        "response".into(),
        json!(String::from_utf8_lossy(d.answer.body)),
    );
    line.insert("elapsed_ms".into(), json!(d.elapsed_ms));
    line.insert("error".into(), json!(error));
    line.insert("parse".into(), json!(parse));
    let verify = findings.and_then(|f| verdict(f.location, f.verdict?, VerdictAs::Json).ok());
    line.insert("verify".into(), json!(verify));
    line.insert(
        "checks_skipped".into(),
        json!(findings.and_then(|f| f.skipped)),
    );
    let forwarded = d.forwarded.map(|f| match f {
        Ok(r) => json!({"status": r.status, "body": String::from_utf8_lossy(r.body)}),
        Err(e) => json!({"status": null, "body": null, "error": e}),
    });
    line.insert("forwarded".into(), json!(forwarded));
    Value::Object(line)
}

/// [`json`] as one line.
pub fn json_line(out: &mut dyn Write, style: &Style, d: &Delivery<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json(style, d))?;
    writeln!(out)
}

/// The table view: a console line per delivery, the event under it, then
/// its checks. In two steps, so the event's warnings can go between them.
pub struct DeliveryTable {
    style: Style,
    /// Terminal width, when known.
    width: Option<usize>,
}

impl DeliveryTable {
    pub fn new(style: Style) -> DeliveryTable {
        DeliveryTable {
            style,
            width: terminal_width(),
        }
    }

    /// The console line (what arrived, what was answered), then the event.
    pub fn event(&self, out: &mut dyn Write, d: &Delivery<'_>) -> io::Result<()> {
        let style = &self.style;
        let from = match d.via {
            Via::Http(Some((method, target))) => text(&format!("{method} {target}")),
            Via::Http(None) => "(unreadable request)".to_string(),
            Via::Message {
                message_id,
                trace_id: Some(trace_id),
            } => text(&format!("message {message_id} (trace {trace_id})")),
            Via::Message { message_id, .. } => text(&format!("message {message_id}")),
        };
        let time = style.dim(&style.time(d.received_at));
        let mut line = match d.forwarded {
            Some(Ok(theirs)) => format!(
                "{time}  {}  ->  your handler {} (relayed; listen alone: {})",
                style.bold(&from),
                answer_text(style, theirs),
                d.answer.status
            ),
            Some(Err(_)) => format!(
                "{time}  {}  ->  {}; your handler did not answer: relayed {}",
                style.bold(&from),
                answer_text(style, d.answer),
                style.red("502")
            ),
            None => format!(
                "{time}  {}  ->  {}",
                style.bold(&from),
                answer_text(style, d.answer)
            ),
        };
        if let Some(note) = d.note {
            line.push_str(&format!("  ({})", text(note)));
        }
        if d.duplicate {
            line.push_str(&format!(
                "  {}",
                style.yellow(&format!("({})", style.words().redelivered))
            ));
        }
        writeln!(out, "{line}")?;
        if let Some(event) = d.findings.as_ref().and_then(|f| f.event.as_ref()) {
            TableRenderer::new(style.clone()).parsed(out, event)?;
        }
        Ok(())
    }

    /// The checks, or why they were skipped; then the blank line that
    /// closes the delivery.
    pub fn checks(&self, out: &mut dyn Write, d: &Delivery<'_>) -> io::Result<()> {
        let style = &self.style;
        if let Some(f) = &d.findings {
            if let Some(v) = f.verdict {
                verdict(f.location, v, VerdictAs::Table(out, style, self.width))?;
            }
            if let Some(skipped) = f.skipped {
                writeln!(out, "{} {skipped}", style.yellow("checks skipped:"))?;
            }
        }
        writeln!(out)
    }
}

/// How [`verdict`] shows a verdict.
enum VerdictAs<'w> {
    Json,
    Table(&'w mut dyn Write, &'w Style, Option<usize>),
}

/// A verdict as `verify` shows it: its JSON value, or its table written
/// out (then the value is null). The one call into verify's renderers.
fn verdict(location: &Location, verdict: &Verdict, how: VerdictAs<'_>) -> io::Result<Value> {
    use crate::render::verify as report;
    match how {
        VerdictAs::Json => Ok(report::json(location, verdict)),
        VerdictAs::Table(out, style, width) => {
            report::table(out, style, width, location, verdict).map(|()| Value::Null)
        }
    }
}

/// `STATUS BODY`, the status coloured, the body cut at [`SHOWN_BODY`]
/// characters.
fn answer_text(style: &Style, answer: Answer<'_>) -> String {
    let body = String::from_utf8_lossy(answer.body);
    let body = match body.char_indices().nth(SHOWN_BODY) {
        Some((i, _)) => format!("{}...", &body[..i]),
        None => body.into_owned(),
    };
    let status = answer.status.to_string();
    let status = if answer.status < 300 {
        style.green(&status)
    } else {
        style.red(&status)
    };
    format!("{status} {}", text(&body))
}
