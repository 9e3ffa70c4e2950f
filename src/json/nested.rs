//! Objects and arrays the reader wants, or the [`Kind`] of whatever stood in
//! their place; and [`wrong_scalars!`], the visitor methods that say so.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::scalar::Kind;

/// An object the model reads into `T`, or whatever else stood there.
#[derive(Clone, Debug, PartialEq)]
pub enum Nested<T> {
    /// In place, not boxed: the fast reader fills it where it lies (see
    /// [`super::FastRead::fast_into`]), and a record's few objects cost no
    /// allocation each.
    Value(T),
    Wrong(Kind),
}

struct NestedVisitor<T>(PhantomData<T>);

/// The `visit_*` methods of a visitor for every JSON scalar, each giving
/// `$wrap(kind)`: what a visitor that wants an object or an array returns
/// for a value of the wrong type. The caller imports [`Kind`].
macro_rules! wrong_scalars {
    (|$kind:ident| $wrap:expr) => {
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            let $kind = Kind::Null;
            Ok($wrap)
        }

        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            let $kind = Kind::Bool;
            Ok($wrap)
        }

        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            let $kind = Kind::Number;
            Ok($wrap)
        }

        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            let $kind = Kind::Number;
            Ok($wrap)
        }

        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            let $kind = Kind::Number;
            Ok($wrap)
        }

        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            let $kind = Kind::String;
            Ok($wrap)
        }
    };
}
pub(crate) use wrong_scalars;

impl<'de, T: Deserialize<'de>> Visitor<'de> for NestedVisitor<T> {
    type Value = Nested<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Nested::Value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Nested::Wrong(Kind::Array))
    }

    wrong_scalars!(|kind| Nested::Wrong(kind));
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nested<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NestedVisitor(PhantomData))
    }
}

/// An array of objects the model reads into `T`, or whatever else stood there.
#[derive(Clone, Debug, PartialEq)]
pub enum NestedList<T> {
    Items(Vec<Nested<T>>),
    Wrong(Kind),
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = NestedList<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
        while let Some(item) = seq.next_element::<Nested<T>>()? {
            items.push(item);
        }
        Ok(NestedList::Items(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(NestedList::Wrong(Kind::Object))
    }

    wrong_scalars!(|kind| NestedList::Wrong(kind));
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for NestedList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}
