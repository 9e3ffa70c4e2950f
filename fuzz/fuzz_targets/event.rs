//! The event model over arbitrary JSON, and both renderers of what it reads
//! (labels, timestamps in and out of range, transitions): the JSON line
//! written straight from the event is the bytes of the Value rendering;
//! and the one-parse read of a plain record agrees with the general way.

#![no_main]

use std::sync::Arc;

use jiff::tz::TimeZone;
use lark_ticket::event::{Detail, Event, Lang, Plain};
use lark_ticket::input::Location;
use lark_ticket::record::Probe;
use lark_ticket::render::json::{JsonRenderer, parsed_json};
use lark_ticket::render::table::TableRenderer;
use lark_ticket::render::{Parsed, Renderer, Style, Summary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, input)) = data.split_first() else {
        return;
    };
    plain_agrees(input);
    let Ok(event) = Event::from_slice(input) else {
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
    let oracle = format!("{}\n", parsed_json(&style, &parsed));
    assert_eq!(
        String::from_utf8_lossy(&out),
        oracle,
        "the direct writer writes the Value rendering's bytes"
    );
    let line = out.split(|&b| b == b'\n').next().unwrap_or_default();
    serde_json::from_slice::<serde_json::Value>(line).expect("the JSON output is JSON");
    let mut table = TableRenderer::new(style);
    table.width = match (knob & 16, knob >> 5) {
        (0, _) => None,
        // `COLUMNS` may say anything.
        (_, 7) => Some(usize::MAX),
        (_, n) => Some(usize::from(n) * 8 + 20),
    };
    table.parsed(&mut out, &parsed).expect("table render");
    table
        .finish(&mut out, &Summary::default())
        .expect("summary");
});

/// What [`Event::from_plain`] settles, the general way settles alike: an
/// event when the probe finds no wrapper (and the same event), a wrapper
/// with what the probe finds.
fn plain_agrees(input: &[u8]) {
    let probed = Probe::of(input);
    if matches!(&probed, Err(e) if e.to_string().contains("recursion limit")) {
        // The splitter never hands on unchecked a record nested too deep.
        return;
    }
    for detail in [Detail::State, Detail::Full] {
        match Event::from_plain(input, detail) {
            None => {}
            Some(Plain::Event(event)) => {
                let probe = probed.as_ref().expect("valid").as_ref().expect("an object");
                assert!(probe.encrypt.is_none() && !probe.capture_record);
                assert_eq!(Event::from_slice_with(input, detail).ok(), Some(*event));
            }
            Some(Plain::Wrapper(found)) => {
                let probe = probed.as_ref().expect("valid").as_ref().expect("an object");
                assert_eq!(format!("{found:?}"), format!("{probe:?}"));
            }
        }
    }
}
