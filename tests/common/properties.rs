//! The generated records shared by `tests/properties_splitter.rs` and
//! `tests/properties_settle.rs`: JSON values with what matters to a
//! scanner, records compact or pretty, good and bad items, and an input
//! handed out a few bytes per read.

use proptest::prelude::*;

/// A JSON value with the characters that matter to a scanner in its
/// strings and keys (quotes, backslashes, brackets, newlines: escaped when
/// serialized, as in any valid record).
pub fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let text = "[a-z{}\\[\\]\"\\\\\n\r\t \u{e9}\u{4e2d}\u{1f600}]{0,8}";
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text.prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 24, 5, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(text, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A record: a JSON object, written compact or pretty.
pub fn record() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::btree_map("[a-z\"{]{1,6}", json_value(), 0..5),
        any::<bool>(),
    )
        .prop_map(|(map, pretty)| {
            let value = serde_json::Value::Object(map.into_iter().collect());
            if pretty {
                serde_json::to_vec_pretty(&value).expect("serializes")
            } else {
                serde_json::to_vec(&value).expect("serializes")
            }
        })
}

#[derive(Debug, Clone)]
pub enum Item {
    Good(Vec<u8>),
    /// A record cut short anywhere (so never valid, and never closing what
    /// it opened), or a line of garbage with no brackets or quotes.
    Bad(Vec<u8>),
}

pub fn item() -> impl Strategy<Value = Item> {
    let garbage = (
        proptest::sample::select(b"abcxyz0123456789".to_vec()),
        proptest::collection::vec(
            any::<u8>().prop_filter("no structure", |b| !b"{}[]\"\n".contains(b)),
            0..30,
        ),
    )
        .prop_map(|(first, rest)| [vec![first], rest].concat());
    prop_oneof![
        3 => record().prop_map(Item::Good),
        1 => (record(), any::<proptest::sample::Index>()).prop_map(|(r, cut)| {
            let len = 1 + cut.index(r.len() - 1);
            Item::Bad(r[..len].to_vec())
        }),
        1 => garbage.prop_map(Item::Bad),
    ]
}

/// Hands out the input `step` bytes per read.
pub struct Trickle<'a> {
    pub data: &'a [u8],
    pub step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}
