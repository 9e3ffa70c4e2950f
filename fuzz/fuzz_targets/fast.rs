//! The fast reader against serde_json, its oracle: whatever text it reads,
//! as any of the types a record is read into, serde_json reads into an
//! equal value (and so it reads nothing serde_json rejects).

#![no_main]

use lark_ticket::event::raw::{RawCustomField, RawDoc, RawUser};
use lark_ticket::json::{FastRead, Nested, NestedList, read_fast};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    agrees::<RawDoc>(text);
    agrees::<Nested<RawUser>>(text);
    agrees::<NestedList<RawUser>>(text);
    agrees::<NestedList<RawCustomField>>(text);
});

fn agrees<'a, T>(text: &'a str)
where
    T: FastRead<'a> + serde::Deserialize<'a> + PartialEq + std::fmt::Debug,
{
    if let Some(fast) = read_fast::<T>(text) {
        let slow: Option<T> = serde_json::from_str(text).ok();
        assert_eq!(slow.as_ref(), Some(&fast), "serde_json reads the same");
    }
}
