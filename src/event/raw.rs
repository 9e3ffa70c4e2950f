//! The payload as serde reads it straight from the bytes: borrowed strings,
//! no `serde_json::Value`, unknown keys skipped without building anything.
//! Every field is lenient: a value of the wrong JSON type is kept as what it
//! is (a [`Scalar`] or a [`Nested::Wrong`]) for the model to report, so one
//! odd field never costs the record.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Number, Value};

/// The JSON type of a value, for messages ("expected an integer, found a string").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    pub fn of(value: &Value) -> Kind {
        match value {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// A leaf value: scalars are kept, objects and arrays only noted.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// A number that is not an i64 (a float, or beyond i64).
    Number(Number),
    Str(Cow<'a, str>),
    Array,
    Object,
}

impl Scalar<'_> {
    pub fn kind(&self) -> Kind {
        match self {
            Scalar::Null => Kind::Null,
            Scalar::Bool(_) => Kind::Bool,
            Scalar::Int(_) | Scalar::Number(_) => Kind::Number,
            Scalar::Str(_) => Kind::String,
            Scalar::Array => Kind::Array,
            Scalar::Object => Kind::Object,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Scalar::Number(Number::from(v)), Scalar::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(v).map_or(Scalar::Null, Scalar::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// An object the model reads into `T`, or whatever else stood there.
#[derive(Clone, Debug)]
pub enum Nested<T> {
    /// Boxed: the structs are large, and moving them by value through
    /// serde's visitors cost more than the allocation.
    Value(Box<T>),
    Wrong(Kind),
}

struct NestedVisitor<T>(PhantomData<T>);

/// The `visit_*` methods of a visitor for every JSON scalar, each giving
/// `$wrap(kind)`: what a visitor that wants an object or an array returns
/// for a value of the wrong type.
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
        T::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(|v| Nested::Value(Box::new(v)))
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
#[derive(Clone, Debug)]
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
fn set<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Defines a struct of lenient fields and a map visitor that fills them:
/// duplicate keys keep the last value (as a JSON object would), unknown keys
/// are skipped (or, with `rest`, kept whole), and with `keys` every key is
/// recorded in order.
macro_rules! lenient_struct {
    (@other $map:ident, $key:ident, $out:ident) => {
        $map.next_value::<IgnoredAny>()?;
    };
    (@other $map:ident, $key:ident, $out:ident, $rest:ident) => {{
        let value: Value = $map.next_value()?;
        match $out.$rest.iter_mut().find(|(k, _)| *k == $key) {
            Some(slot) => slot.1 = value,
            None => $out.$rest.push(($key.clone(), value)),
        }
    }};
    ($(#[$meta:meta])* $name:ident { $($json:literal => $field:ident: $ty:ty),* $(,)? } $(keys: $keys:ident)? $(rest: $rest:ident)?) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default)]
        pub struct $name<'a> {
            $(pub $field: Option<$ty>,)*
            $(pub $keys: Vec<Cow<'a, str>>,)?
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
                        Ok(out)
                    }
                }
                d.deserialize_map(V(PhantomData))
            }
        }
    };
}

lenient_struct!(
    /// The top level of a callback body (any schema).
    RawDoc {
        "schema" => schema: Scalar<'a>,
        "uuid" => uuid: Scalar<'a>,
        "type" => kind: Scalar<'a>,
        "token" => token: Scalar<'a>,
        "challenge" => challenge: Scalar<'a>,
        "ts" => ts: Scalar<'a>,
        "header" => header: Nested<RawHeader<'a>>,
        "event" => event: Nested<RawEvent<'a>>,
        // Not event fields: their presence says the body is an encrypted
        // wrapper or a capture record, which the record layer unwraps.
        "encrypt" => encrypt: Scalar<'a>,
        "headers" => headers: Scalar<'a>,
        "body" => body: IgnoredAny,
        "body_base64" => body_base64: IgnoredAny,
    }
);

impl RawDoc<'_> {
    /// What [`crate::input::Probe`] finds in the same document.
    pub fn probe(&self) -> crate::input::Probe {
        crate::input::Probe::from_members(
            self.encrypt.as_ref(),
            self.headers.as_ref(),
            self.body.is_some() || self.body_base64.is_some(),
        )
    }
}

lenient_struct!(
    /// Schema 2.0 `header`.
    RawHeader {
        "event_id" => event_id: Scalar<'a>,
        "event_type" => event_type: Scalar<'a>,
        "create_time" => create_time: Scalar<'a>,
        "token" => token: Scalar<'a>,
        "app_id" => app_id: Scalar<'a>,
        "tenant_key" => tenant_key: Scalar<'a>,
    }
);

lenient_struct!(
    /// `event`: the union of what every modelled event type carries, and
    /// its keys in order (for event types the model does not know).
    RawEvent {
        "type" => kind: Scalar<'a>,
        "app_id" => app_id: Scalar<'a>,
        "tenant_key" => tenant_key: Scalar<'a>,
        "object" => object: Nested<RawTicket<'a>>,
        "old_object" => old_object: Nested<RawOld<'a>>,
        "ticket_message_id" => ticket_message_id: Scalar<'a>,
        "message_id" => message_id: Scalar<'a>,
        "msg_type" => msg_type: Scalar<'a>,
        "position" => position: Scalar<'a>,
        "sender_id" => sender_id: Nested<RawIds<'a>>,
        "sender_type" => sender_type: Scalar<'a>,
        "text" => text: Scalar<'a>,
        "event_id" => event_id: Scalar<'a>,
        "chat_id" => chat_id: Scalar<'a>,
        "content" => content: Nested<RawContent<'a>>,
        "ticket" => ticket: Nested<RawTicket<'a>>,
        "notification_id" => notification_id: Scalar<'a>,
        "helpdesk_id" => helpdesk_id: Scalar<'a>,
        "approve_status" => approve_status: Scalar<'a>,
    }
    keys: keys
);

lenient_struct!(
    /// A ticket object. The people and custom fields are kept as their JSON
    /// text and read only when asked for ([`lazy`]): most uses of a ticket
    /// (diffs, timelines) never look at them.
    RawTicket {
        "ticket_id" => ticket_id: Scalar<'a>,
        "helpdesk_id" => helpdesk_id: Scalar<'a>,
        "chat_id" => chat_id: Scalar<'a>,
        "stage" => stage: Scalar<'a>,
        "status" => status: Scalar<'a>,
        "score" => score: Scalar<'a>,
        "solve" => solve: Scalar<'a>,
        "channel" => channel: Scalar<'a>,
        "created_at" => created_at: Scalar<'a>,
        "updated_at" => updated_at: Scalar<'a>,
        "closed_at" => closed_at: Scalar<'a>,
        "guest" => guest: &'a RawValue,
        "agents" => agents: &'a RawValue,
        "collaborators" => collaborators: &'a RawValue,
        "closed_by" => closed_by: &'a RawValue,
        "customized_fields" => customized_fields: &'a RawValue,
    }
    rest: others
);

lenient_struct!(
    /// A user: `{id:{...}, name, avatar_url, email}`.
    RawUser {
        "id" => id: Nested<RawIds<'a>>,
        "name" => name: Scalar<'a>,
        "avatar_url" => avatar_url: Scalar<'a>,
        "email" => email: Scalar<'a>,
    }
);

lenient_struct!(
    /// `{user_id, open_id, union_id}`.
    RawIds {
        "user_id" => user_id: Scalar<'a>,
        "open_id" => open_id: Scalar<'a>,
        "union_id" => union_id: Scalar<'a>,
    }
);

lenient_struct!(
    /// A `customized_fields` item.
    RawCustomField {
        "id" => id: Scalar<'a>,
        "value" => value: Scalar<'a>,
        "key_name" => key_name: Scalar<'a>,
        "display_name" => display_name: Scalar<'a>,
        "position" => position: Scalar<'a>,
        "required" => required: Scalar<'a>,
        "editable" => editable: Scalar<'a>,
    }
);

lenient_struct!(
    /// A message's `content`.
    RawContent {
        "content" => content: Scalar<'a>,
        "msg_type" => msg_type: Scalar<'a>,
        "image_keys" => image_keys: Value,
        "image_key" => image_key: Scalar<'a>,
    }
);

/// Reads a part kept as JSON text. The text was validated with the rest of
/// the record, and the lenient types accept any JSON, so this only fails on
/// a pathological input (then the part reads as absent).
pub fn lazy<'a, T: Deserialize<'a>>(text: Option<&&'a RawValue>) -> Option<T> {
    let text = text?;
    if text.get() == "null" {
        return None;
    }
    serde_json::from_str(text.get()).ok()
}

/// `old_object`: the documented fields, and any others in payload order
/// (kept whole, to show them as they came).
#[derive(Clone, Debug, Default)]
pub struct RawOld<'a> {
    pub stage: Option<Scalar<'a>>,
    pub status: Option<Scalar<'a>>,
    pub updated_at: Option<Scalar<'a>>,
    pub others: Vec<(Cow<'a, str>, Value)>,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawOld<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawOld<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an old_object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = RawOld::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match key.as_ref() {
                        "stage" => set(&mut map, &mut out.stage)?,
                        "status" => set(&mut map, &mut out.status)?,
                        "updated_at" => set(&mut map, &mut out.updated_at)?,
                        _ => {
                            let value: Value = map.next_value()?;
                            match out.others.iter_mut().find(|(k, _)| *k == key) {
                                Some(slot) => slot.1 = value,
                                None => out.others.push((key, value)),
                            }
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_fields_keep_what_they_found() {
        let doc: RawDoc = serde_json::from_str(
            r#"{"schema":"2.0","header":"oops","event":{"object":{"status":"51","stage":[1],"guest":7,"agents":{}},"old_object":{"status":1,"x":{"a":1},"status":2},"zz":1}}"#,
        )
        .unwrap();
        assert_eq!(doc.schema, Some(Scalar::Str("2.0".into())));
        assert!(matches!(doc.header, Some(Nested::Wrong(Kind::String))));
        let Some(Nested::Value(event)) = doc.event else {
            panic!()
        };
        assert_eq!(event.keys, ["object", "old_object", "zz"]);
        let Some(Nested::Value(object)) = event.object else {
            panic!()
        };
        assert_eq!(object.status, Some(Scalar::Str("51".into())));
        assert_eq!(object.stage, Some(Scalar::Array));
        assert!(matches!(
            lazy::<Nested<RawUser>>(object.guest.as_ref()),
            Some(Nested::Wrong(Kind::Number))
        ));
        assert!(matches!(
            lazy::<NestedList<RawUser>>(object.agents.as_ref()),
            Some(NestedList::Wrong(Kind::Object))
        ));
        let Some(Nested::Value(old)) = event.old_object else {
            panic!()
        };
        assert_eq!(old.status, Some(Scalar::Int(2)));
        assert_eq!(
            old.others,
            [(Cow::Borrowed("x"), serde_json::json!({"a": 1}))]
        );
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let doc: RawDoc =
            serde_json::from_str(r#"{"schema":"2.0","uuid":"a\"b","ts":18446744073709551615}"#)
                .unwrap();
        assert!(matches!(
            doc.schema,
            Some(Scalar::Str(Cow::Borrowed("2.0")))
        ));
        assert!(matches!(doc.uuid, Some(Scalar::Str(Cow::Owned(ref s))) if s == "a\"b"));
        assert!(matches!(doc.ts, Some(Scalar::Number(_))));
    }

    #[test]
    fn reads_from_a_value_too() {
        let v = serde_json::json!({"type": "url_verification", "challenge": "c"}).to_string();
        let doc: RawDoc = serde_json::from_str(&v).unwrap();
        assert_eq!(doc.challenge, Some(Scalar::Str("c".into())));
    }
}
