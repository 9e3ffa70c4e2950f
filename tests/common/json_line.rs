//! The generators and oracles shared by `tests/json_line.rs`,
//! `tests/json_line_fixtures.rs` and `tests/json_line_timeline.rs`: text
//! and integers an escaper must get right, a style, and an event's line as
//! the Value rendering writes it and as it is written.

use jiff::tz::TimeZone;
use lark_ticket::event::Lang;
use lark_ticket::render::json::{JsonRenderer, parsed_json};
use lark_ticket::render::{Parsed, Style};
use proptest::prelude::*;

/// Text with everything an escaper must get right: quotes, backslashes,
/// C0 controls, DEL, C1, non-ASCII and astral characters.
pub const TEXT: &str = "[a-z0-9 \"\\\\\\x00-\\x1f\\x7f\\u{85}\\u{e9}\\u{4e2d}\\u{1f600}]{0,10}";

pub fn text() -> impl Strategy<Value = String> {
    TEXT
}

pub fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

/// Integers at their extremes as often as in between.
pub fn int() -> impl Strategy<Value = i64> {
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

pub fn opt_int() -> impl Strategy<Value = Option<i64>> {
    proptest::option::of(int())
}

pub fn style() -> impl Strategy<Value = Style> {
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
pub fn oracle(style: &Style, parsed: &Parsed<'_>) -> String {
    format!("{}\n", parsed_json(style, parsed))
}

pub fn written(style: &Style, parsed: &Parsed<'_>) -> String {
    let mut buf = Vec::new();
    JsonRenderer {
        style: style.clone(),
    }
    .write_line(&mut buf, parsed);
    String::from_utf8(buf).expect("UTF-8")
}
