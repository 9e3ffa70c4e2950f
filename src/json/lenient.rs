//! Reading objects field by field: borrowed keys ([`Key`]), the last of a
//! repeated key winning ([`set`]), structs of lenient fields
//! ([`lenient_struct!`]), and parts kept as JSON text read on demand
//! ([`lazy`]).

use std::borrow::Cow;
use std::fmt;

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::fast::FastRead;
use super::fast_values::JsonText;

/// An object key, borrowed from the input unless it had escapes (serde's
/// own `Cow<str>` always allocates).
pub struct Key<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }

            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads one map value into a field, last one winning like a JSON object does.
pub fn set<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Members kept whole, in the order their keys first appear, each with
/// the last value its key had (as a JSON object reads a repeated key).
/// Readers push every member and call this once at the end: finding each
/// key among those before it would be quadratic in the number of members.
pub fn last_wins(members: &mut Vec<(Cow<'_, str>, Value)>) {
    if members.len() < 2 {
        return;
    }
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(members.len());
    let firsts: Vec<usize> = members
        .iter()
        .enumerate()
        .map(|(i, (key, _))| *first.entry(key.as_ref()).or_insert(i))
        .collect();
    drop(first);
    for (i, &at) in firsts.iter().enumerate() {
        if at != i {
            members[at].1 = std::mem::take(&mut members[i].1);
        }
    }
    let mut i = 0;
    members.retain(|_| {
        i += 1;
        firsts[i - 1] == i - 1
    });
}

/// How many of an object's keys [`Keys`] holds in place.
const INLINE_KEYS: usize = 4;

/// An object's keys in order: the first few in place (an event object has
/// two or three), any more on the heap, so that recording them costs a
/// usual record no allocation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keys<'a> {
    first: [Cow<'a, str>; INLINE_KEYS],
    len: usize,
    more: Vec<Cow<'a, str>>,
}

impl<'a> Keys<'a> {
    pub fn push(&mut self, key: Cow<'a, str>) {
        match self.first.get_mut(self.len) {
            Some(slot) => {
                *slot = key;
                self.len += 1;
            }
            None => self.more.push(key),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.first[..self.len]
            .iter()
            .chain(&self.more)
            .map(|k| k.as_ref())
    }
}

/// Defines a struct of lenient fields and a map visitor that fills them:
/// duplicate keys keep the last value (as a JSON object would), unknown keys
/// are skipped (or, with `rest`, kept whole), and with `keys` every key is
/// recorded in order. The names it uses are the caller's to import:
/// `Key` and `set` from here, and serde's and std's as usual.
macro_rules! lenient_struct {
    (@other $map:ident, $key:ident, $out:ident) => {
        $map.next_value::<IgnoredAny>()?;
    };
    (@fast_other $c:ident, $key:ident, $out:ident) => {
        $c.skip()?;
    };
    (@fast_other $c:ident, $key:ident, $out:ident, $rest:ident) => {
        $out.$rest.push((Cow::Borrowed($key), $crate::json::FastRead::fast($c)?));
    };
    (@other $map:ident, $key:ident, $out:ident, $rest:ident) => {
        $out.$rest.push(($key.clone(), $map.next_value()?));
    };
    ($(#[$meta:meta])* $name:ident { $($json:literal => $field:ident: $ty:ty),* $(,)? } $(keys: $keys:ident)? $(rest: $rest:ident)?) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name<'a> {
            $(pub $field: Option<$ty>,)*
            $(pub $keys: $crate::json::Keys<'a>,)?
            $(pub $rest: Vec<(Cow<'a, str>, Value)>,)?
            _borrow: PhantomData<&'a ()>,
        }

        impl<'de: 'a, 'a> Deserialize<'de> for $name<'a> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<'a>(PhantomData<&'a ()>);
                impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
                    type Value = $name<'a>;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }

                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                        let mut out = $name::default();
                        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                            match key.as_ref() {
                                $($json => set(&mut map, &mut out.$field)?,)*
                                _ => {
                                    lenient_struct!(@other map, key, out $(, $rest)?);
                                }
                            }
                            $(out.$keys.push(key);)?
                        }
                        $($crate::json::last_wins(&mut out.$rest);)?
                        Ok(out)
                    }
                }
                d.deserialize_map(V(PhantomData))
            }
        }

        impl<'a> $crate::json::FastRead<'a> for $name<'a> {
            fn fast(c: &mut $crate::json::Cursor<'a>) -> Option<Self> {
                let mut out = $name::default();
                $crate::json::FastFill::fill(&mut out, c)?;
                Some(out)
            }

            fn fast_into(slot: &mut Option<Self>, c: &mut $crate::json::Cursor<'a>) -> Option<()> {
                let out = match slot {
                    Some(out) => {
                        *out = $name::default();
                        out
                    }
                    None => slot.insert($name::default()),
                };
                $crate::json::FastFill::fill(out, c)
            }
        }

        impl<'a> $crate::json::FastFill<'a> for $name<'a> {
            fn fill(&mut self, c: &mut $crate::json::Cursor<'a>) -> Option<()> {
                let out = self;
                c.object(|c, key| {
                    match key {
                        $($json => $crate::json::FastRead::fast_into(&mut out.$field, c)?,)*
                        _ => {
                            lenient_struct!(@fast_other c, key, out $(, $rest)?);
                        }
                    }
                    $(out.$keys.push(Cow::Borrowed(key));)?
                    Some(())
                })?;
                $($crate::json::last_wins(&mut out.$rest);)?
                Some(())
            }
        }
    };
}
pub(crate) use lenient_struct;

/// Reads a part kept as JSON text. The text was validated with the rest of
/// the record, and the lenient types accept any JSON, so this only fails on
/// a pathological input (then the part reads as absent).
pub fn lazy<'a, T: Deserialize<'a> + FastRead<'a>>(text: Option<&JsonText<'a>>) -> Option<T> {
    let text = text?.0;
    if text == "null" {
        return None;
    }
    super::fast::read(text).or_else(|| serde_json::from_str(text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_keep_their_order_past_the_inline_ones() {
        let mut keys = Keys::default();
        let names = ["a", "b", "c", "d", "e", "f"];
        for (n, name) in names.iter().enumerate() {
            keys.push(Cow::Borrowed(*name));
            assert_eq!(keys.iter().collect::<Vec<_>>(), names[..=n]);
        }
    }

    #[test]
    fn last_wins_keeps_first_places_and_last_values() {
        let mut members: Vec<(Cow<'_, str>, Value)> = ["a", "b", "a", "c", "b", "a"]
            .iter()
            .zip(1..)
            .map(|(k, v)| (Cow::Borrowed(*k), json!(v)))
            .collect();
        last_wins(&mut members);
        assert_eq!(
            members,
            [
                (Cow::Borrowed("a"), json!(6)),
                (Cow::Borrowed("b"), json!(5)),
                (Cow::Borrowed("c"), json!(4)),
            ]
        );
    }
}
