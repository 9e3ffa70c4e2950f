//! How the kit's values read themselves with the fast reader
//! ([`super::fast`]): a [`Scalar`] as serde_json would deserialize it, a
//! [`Nested`] object filled where its parent holds it, a list of them,
//! anything skipped or kept whole, and a part kept as its JSON text.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde_json::{Number, Value};

use super::fast::{Cursor, FastFill, FastRead};
use super::{Kind, Nested, NestedList, Scalar};

impl<'a> FastRead<'a> for Scalar<'a> {
    fn fast(c: &mut Cursor<'a>) -> Option<Self> {
        Some(match c.kind()? {
            Kind::String => Scalar::Str(Cow::Borrowed(c.string()?)),
            Kind::Object => {
                c.skip()?;
                Scalar::Object
            }
            Kind::Array => {
                c.skip()?;
                Scalar::Array
            }
            Kind::Null => {
                c.literal("null")?;
                Scalar::Null
            }
            Kind::Bool => {
                let value = c.peek() == Some(b't');
                c.skip()?;
                Scalar::Bool(value)
            }
            Kind::Number => {
                // Only a plain unsigned integer that fits in a u64: serde_json
                // reads anything else (a sign, a fraction, an exponent, a
                // bigger one) through floats, which is left to it.
                let value = c.unsigned()?;
                i64::try_from(value)
                    .map_or_else(|_| Scalar::Number(Number::from(value)), Scalar::Int)
            }
        })
    }
}

impl<'a, T: FastFill<'a>> FastRead<'a> for Nested<T> {
    fn fast(c: &mut Cursor<'a>) -> Option<Self> {
        match c.kind()? {
            Kind::Object => {
                let mut value = T::default();
                value.fill(c)?;
                Some(Nested::Value(value))
            }
            kind => {
                c.wrong()?;
                Some(Nested::Wrong(kind))
            }
        }
    }

    fn fast_into(slot: &mut Option<Self>, c: &mut Cursor<'a>) -> Option<()> {
        if c.kind()? != Kind::Object {
            *slot = Some(Self::fast(c)?);
            return Some(());
        }
        // A repeated key's object replaces the one before, as serde_json
        // reads it: filled from empty.
        match slot {
            Some(Nested::Value(value)) => *value = T::default(),
            _ => *slot = Some(Nested::Value(T::default())),
        }
        match slot {
            Some(Nested::Value(value)) => value.fill(c),
            _ => None,
        }
    }
}

impl<'a, T: FastFill<'a>> FastRead<'a> for NestedList<T> {
    fn fast(c: &mut Cursor<'a>) -> Option<Self> {
        match c.kind()? {
            Kind::Array => {
                let mut items = Vec::new();
                c.array(|c| {
                    items.push(Nested::fast(c)?);
                    Some(())
                })?;
                Some(NestedList::Items(items))
            }
            kind => {
                c.wrong()?;
                Some(NestedList::Wrong(kind))
            }
        }
    }
}

impl<'a> FastRead<'a> for IgnoredAny {
    fn fast(c: &mut Cursor<'a>) -> Option<Self> {
        c.skip().map(|()| IgnoredAny)
    }
}

impl<'a> FastRead<'a> for Value {
    /// Checked here (so that the depth counts), then built by serde_json:
    /// whole values are rare (unknown members, kept to be shown).
    fn fast(c: &mut Cursor<'a>) -> Option<Self> {
        serde_json::from_str(c.span()?).ok()
    }
}

/// A part of the record kept as its JSON text, read only when asked for
/// ([`super::lazy`]): serde_json's `RawValue` text, which the fast reader
/// can also give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonText<'a>(pub &'a str);

impl<'de: 'a, 'a> serde::Deserialize<'de> for JsonText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de serde_json::value::RawValue>::deserialize(d).map(|raw| JsonText(raw.get()))
    }
}

impl<'a> FastRead<'a> for JsonText<'a> {
    fn fast(c: &mut Cursor<'a>) -> Option<Self> {
        c.span().map(JsonText)
    }
}
