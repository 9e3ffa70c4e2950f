//! `parse -o json` over every fixture: each event, read as `parse` reads
//! it, written as the Value rendering writes it.

mod common;

use std::sync::Arc;

use common::json_line::{oracle, written};
use jiff::tz::TimeZone;
use lark_ticket::event::{Event, Lang};
use lark_ticket::input::Location;
use lark_ticket::render::{Parsed, Style};
use serde_json::Value;

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
