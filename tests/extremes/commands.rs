//! parse, diff and verify through the library, as the commands run them.

use std::sync::Arc;

use jiff::tz::TimeZone;
use lark_ticket::crypto;
use lark_ticket::event::{Event, Lang};
use lark_ticket::golden::{self, DEFAULT_IGNORES, IgnorePath};
use lark_ticket::input::Location;
use lark_ticket::render::diff::json::DiffJson;
use lark_ticket::render::diff::table::DiffTable;
use lark_ticket::render::diff::{
    AgainstTotals, DiffRenderer, Row, RowTotals, TimelineTotals, Totals,
};
use lark_ticket::render::json::JsonRenderer;
use lark_ticket::render::table::TableRenderer;
use lark_ticket::render::verify as report;
use lark_ticket::render::{Parsed, Renderer, Style, Summary};
use lark_ticket::secret::Secret;
use lark_ticket::timeline::{State, Timelines};
use lark_ticket::verify::{self, Clock, Content, Request, Secrets, Status};
use serde_json::{Value, json};

/// How one run renders: language, zone, colour, table width.
#[derive(Clone, Debug)]
pub struct Knobs {
    pub lang: Lang,
    pub zone: i8,
    pub color: bool,
    pub width: Option<usize>,
}

impl Knobs {
    fn style(&self) -> Style {
        let tz = if self.zone == 0 {
            TimeZone::UTC
        } else {
            TimeZone::fixed(jiff::tz::offset(self.zone))
        };
        Style::new(self.color, self.lang, tz)
    }
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `parse` of one event: the JSON line (checked to be JSON), and the table.
pub fn parse(event: &Event, knobs: &Knobs) -> (Value, String) {
    let location = Location::new(Arc::from("extreme"), 1);
    let parsed = Parsed {
        location: &location,
        encrypted: false,
        event,
    };
    let mut out = Vec::new();
    let mut renderer = JsonRenderer {
        style: knobs.style(),
    };
    renderer.parsed(&mut out, &parsed).expect("json");
    let mut lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let mut table = TableRenderer::new(knobs.style());
    table.width = knobs.width;
    let mut text = Vec::new();
    table.parsed(&mut text, &parsed).expect("table");
    table
        .finish(&mut text, &Summary::default())
        .expect("summary");
    let text = String::from_utf8(text).expect("UTF-8");
    assert!(!text.is_empty());
    (lines.remove(0), text)
}

/// `diff` in its three modes over the event, against the template it came
/// from and after a created event of the same ticket: no panic, JSON
/// lines that are JSON, and, when `changed` says whether the event differs
/// from the template, a difference (or one ignored) exactly when it does.
pub fn diff(event: &Event, bytes: &[u8], template: &Value, changed: Option<bool>, knobs: &Knobs) {
    let location = Location::new(Arc::from("extreme"), 1);
    let style = knobs.style();
    let mut json = DiffJson {
        style: style.clone(),
    };
    let mut table = DiffTable::new(style.clone());
    let mut out = Vec::new();
    let mut text = Vec::new();
    if let Some(ticket) = event.ticket() {
        let time = event
            .envelope
            .create_time
            .or(ticket.updated_at.filter(|t| *t >= 0));
        for transition in event.transitions() {
            let row = Row {
                source: &location,
                ticket_id: ticket.ticket_id.as_deref(),
                event_id: event.envelope.event_id.as_deref(),
                time,
                transition,
            };
            json.row(&mut out, &row).expect("json row");
            table.row(&mut text, &row).expect("table row");
        }
    }
    json_lines(&out);
    let totals = RowTotals::default();
    table
        .finish(&mut text, &Totals::Rows(&totals))
        .expect("rows");

    let actual: Value = serde_json::from_slice(bytes).expect("JSON");
    let ignores: Vec<IgnorePath> = DEFAULT_IGNORES
        .iter()
        .map(|p| IgnorePath::parse(p).expect("a path"))
        .collect();
    let cmp = golden::compare_streams(&[Some(template.clone())], &[Some(actual.clone())], &ignores);
    if let Some(changed) = changed {
        let found = cmp.differences.len() + cmp.ignored;
        assert_eq!(found > 0, changed, "{found} differences in {actual}");
    }
    let (mut out, mut text) = (Vec::new(), Vec::new());
    let mut table = DiffTable::new(style.clone());
    for difference in &cmp.differences {
        json.difference(&mut out, difference).expect("json");
        table.difference(&mut text, difference).expect("table");
    }
    assert_eq!(json_lines(&out).len(), cmp.differences.len());
    let totals = AgainstTotals::default();
    table
        .finish(&mut text, &Totals::Against(&totals))
        .expect("against");

    let mut timelines = Timelines::default();
    let mut created = template.clone();
    created["header"]["event_type"] = json!("helpdesk.ticket.created_v1");
    let created =
        Event::from_slice(&serde_json::to_vec(&created).expect("JSON")).expect("an event");
    for (event, old) in [(&created, false), (event, true)] {
        if let Some((Some(id), state)) = State::from_event(location.clone(), event, old) {
            timelines.add(&id, state);
        }
    }
    let (mut out, mut text) = (Vec::new(), Vec::new());
    let mut table = DiffTable::new(style);
    for timeline in timelines.finish() {
        json.timeline(&mut out, &timeline).expect("json");
        table.timeline(&mut text, &timeline).expect("table");
    }
    json_lines(&out);
    let totals = TimelineTotals::default();
    table
        .finish(&mut text, &Totals::Timeline(&totals))
        .expect("timeline");
}

/// `verify` of the event signed with `timestamp`, at `now`, with `max_age`:
/// the signature passes, and the timestamp check follows the exact age.
pub fn verify(event: &Event, body: &[u8], timestamp: &str, now: i64, max_age: Option<u64>) {
    let key = Secret::new("extreme-key");
    let signature = crypto::signature(timestamp, "n", &key, body);
    let value: Value = serde_json::from_slice(body).expect("JSON");
    let request = Request {
        timestamp: Some(timestamp),
        nonce: Some("n"),
        signature: Some(&signature),
        body,
        value: Some(&value),
        transport: lark_ticket::record::Transport::Http,
    };
    let content = Content::Event {
        event,
        plaintext: None,
    };
    let secrets = Secrets {
        key: Some(&key),
        token: None,
    };
    let clock = Clock { now, max_age };
    let style = Style::new(false, Lang::En, TimeZone::UTC);
    let verdict = verify::verify(&request, &content, secrets, clock).expect("a key");
    let status = |name| verdict.check(name).map(|c| c.status);
    assert_eq!(status("signature"), Some(Status::Pass));
    let expected = match (timestamp.trim().parse::<i64>(), max_age) {
        (_, None) => Status::Skip,
        (Err(_), Some(_)) => Status::Fail,
        (Ok(sent), Some(max)) => {
            let age = (i128::from(now) - i128::from(sent)).unsigned_abs();
            if age <= u128::from(max) {
                Status::Pass
            } else {
                Status::Fail
            }
        }
    };
    assert_eq!(
        status("timestamp"),
        Some(expected),
        "{timestamp} at {now}, {max_age:?}"
    );
    let location = Location::new(Arc::from("extreme"), 1);
    let report = report::json(&location, &verdict).to_string();
    serde_json::from_str::<Value>(&report).expect("JSON");
    let mut text = Vec::new();
    report::table(&mut text, &style, Some(usize::MAX), &location, &verdict).expect("table");
}
