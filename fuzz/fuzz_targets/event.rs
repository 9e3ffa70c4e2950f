//! The event model over arbitrary JSON, and both renderers of what it reads
//! (labels, timestamps in and out of range, transitions).

#![no_main]

use std::sync::Arc;

use jiff::tz::TimeZone;
use lark_ticket::event::{Event, Lang};
use lark_ticket::input::Location;
use lark_ticket::render::json::JsonRenderer;
use lark_ticket::render::table::TableRenderer;
use lark_ticket::render::{Parsed, Renderer, Style, Summary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, input)) = data.split_first() else {
        return;
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(input) else {
        return;
    };
    let Ok(event) = Event::from_value(&value) else {
        return;
    };
    let lang = if knob & 1 == 0 { Lang::En } else { Lang::Zh };
    let tz = if knob & 2 == 0 {
        TimeZone::UTC
    } else {
        TimeZone::fixed(jiff::tz::offset(-12))
    };
    let style = Style::new(knob & 4 != 0, lang, tz);
    let location = Location::new(Arc::from("fuzz"), 1);
    let parsed = Parsed {
        location: &location,
        encrypted: knob & 8 != 0,
        event: &event,
    };
    let mut out = Vec::new();
    let mut json = JsonRenderer {
        style: style.clone(),
    };
    json.parsed(&mut out, &parsed).expect("json render");
    let line = out.split(|&b| b == b'\n').next().unwrap_or_default();
    serde_json::from_slice::<serde_json::Value>(line).expect("the JSON output is JSON");
    let mut table = TableRenderer::new(style);
    table.width = if knob & 16 == 0 {
        None
    } else {
        Some(usize::from(knob >> 5) * 8 + 20)
    };
    table.parsed(&mut out, &parsed).expect("table render");
    table
        .finish(&mut out, &Summary::default())
        .expect("summary");
});
