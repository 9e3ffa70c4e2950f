//! Integers at their extremes in every numeric field of every modelled
//! event, through the library in a debug build (where overflow panics):
//! parse (both renderers), diff (rows, `--against`, `--timeline`) and
//! verify never panic, every JSON line they print is JSON, and a value is
//! shown as it came, or said to be out of range (or missing, with a
//! warning naming its field).

mod commands;
mod events;

use lark_ticket::event::{Event, Lang};
use lark_ticket::golden;
use proptest::prelude::*;
use serde_json::Value;

use commands::{Knobs, diff, parse, verify};
use events::{build, check_field, same, templates};

/// Each is put in as a JSON number (its text exactly) and as a string.
const EXTREMES: [&str; 10] = [
    "-9223372036854775808",
    "9223372036854775807",
    "18446744073709551615",
    "-0",
    "1e308",
    "-1e308",
    "9007199254740993",
    "-1",
    "0",
    "-9223372036854775809",
];

const NOWS: [i64; 4] = [i64::MIN, -1, 1_700_000_000, i64::MAX];
const MAX_AGES: [Option<u64>; 4] = [None, Some(0), Some(1 << 63), Some(u64::MAX)];
const WIDTHS: [Option<usize>; 4] = [None, Some(0), Some(40), Some(usize::MAX)];

/// Every field of every template, set to every extreme in both forms.
#[test]
fn every_field_at_every_extreme() {
    let mut runs = 0;
    for template in templates() {
        for (f, pointer) in template.fields.iter().enumerate() {
            for (e, literal) in EXTREMES.iter().enumerate() {
                for as_string in [false, true] {
                    let bytes = build(&template.value, &[(pointer, literal, as_string)]);
                    let event = Event::from_slice(&bytes).expect("still an event");
                    let i = f + e;
                    let knobs = Knobs {
                        lang: if i % 2 == 0 { Lang::En } else { Lang::Zh },
                        zone: [0, -12, 14][i % 3],
                        color: i % 5 == 0,
                        width: WIDTHS[i % 4],
                    };
                    let out = parse(
                        &event,
                        &Knobs {
                            width: None,
                            ..knobs.clone()
                        },
                    );
                    check_field(pointer, literal, as_string, &out);
                    parse(&event, &knobs);
                    let changed = !same(template.value.pointer(pointer), literal, as_string);
                    diff(&event, &bytes, &template.value, Some(changed), &knobs);
                    let timestamp = EXTREMES[(e + f) % EXTREMES.len()];
                    verify(&event, &bytes, timestamp, NOWS[i % 4], MAX_AGES[e % 4]);
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, (16 + 5 + 9 + 4 + 1) * EXTREMES.len() * 2);
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(EXTREMES.to_vec()).prop_map(str::to_string),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
    ]
}

proptest! {
    /// All the fields of an event at once, set to extremes or to any
    /// number, rendered any way and verified at any clock.
    #[test]
    fn all_fields_at_once(
        which in 0usize..5,
        values in proptest::collection::vec((any::<bool>(), literal(), any::<bool>()), 16),
        lang in any::<bool>(),
        zone in -12i8..=14,
        color in any::<bool>(),
        width in proptest::sample::select(WIDTHS.to_vec()),
        timestamp in literal(),
        now in prop_oneof![proptest::sample::select(NOWS.to_vec()), any::<i64>()],
        max_age in prop_oneof![proptest::sample::select(MAX_AGES.to_vec()), any::<u64>().prop_map(Some)],
    ) {
        let templates = templates();
        let template = &templates[which];
        let slots: Vec<(&str, &str, bool)> = template
            .fields
            .iter()
            .zip(&values)
            .filter(|(_, (set, _, _))| *set)
            .map(|(pointer, (_, literal, as_string))| (*pointer, literal.as_str(), *as_string))
            .collect();
        let bytes = build(&template.value, &slots);
        let event = Event::from_slice(&bytes).expect("still an event");
        let knobs = Knobs { lang: if lang { Lang::Zh } else { Lang::En }, zone, color, width };
        let out = parse(&event, &Knobs { width: None, ..knobs.clone() });
        for (pointer, literal, as_string) in &slots {
            check_field(pointer, literal, *as_string, &out);
        }
        parse(&event, &knobs);
        diff(&event, &bytes, &template.value, None, &knobs);
        verify(&event, &bytes, &timestamp, now, max_age);
    }
}

/// `diff --against` compares an integer and a float exactly: the same
/// only when the float is that very integer (as f64, 2^53 + 1 is 2^53).
#[test]
fn golden_numbers_compare_exactly() {
    // Those JSON reads as integers (beyond 64 bits it reads a float).
    let integers = EXTREMES
        .iter()
        .filter(|l| l.parse::<i64>().is_ok() || l.parse::<u64>().is_ok());
    for literal in integers {
        let float = format!("{literal}.0");
        let exact = literal.parse::<i128>().expect("an integer");
        let rounded = float.parse::<f64>().expect("a float") as i128;
        let side = |text: &str| Some(serde_json::from_str::<Value>(text).expect("JSON"));
        let cmp = golden::compare_streams(&[side(literal)], &[side(&float)], &[]);
        assert_eq!(cmp.differences.is_empty(), exact == rounded, "{literal}");
    }
}
