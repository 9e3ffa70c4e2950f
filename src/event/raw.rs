//! The payload's schema as serde reads it straight from the bytes: the top
//! level of a callback body, its header and event, tickets, users, custom
//! fields and message contents. Every field is lenient (see [`crate::json`]):
//! a value of the wrong JSON type is kept as what it is (a [`Scalar`] or a
//! [`Nested::Wrong`]) for the model to report, so one odd field never costs
//! the record.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::json::{Cursor, FastFill, FastRead, JsonText, Key, last_wins, lenient_struct, set};
// The generic kit, under the names the models have always read it by.
use crate::json::{Nested, Scalar};

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
        "guest" => guest: JsonText<'a>,
        "agents" => agents: JsonText<'a>,
        "collaborators" => collaborators: JsonText<'a>,
        "closed_by" => closed_by: JsonText<'a>,
        "customized_fields" => customized_fields: JsonText<'a>,
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

/// `old_object`: the documented fields, and any others in payload order
/// (kept whole, to show them as they came).
#[derive(Clone, Debug, Default, PartialEq)]
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
                        _ => out.others.push((key, map.next_value()?)),
                    }
                }
                last_wins(&mut out.others);
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

impl<'a> RawDoc<'a> {
    /// Reads a document into `slot`: the fast reader when it knows the
    /// text's form ([`crate::json::read_fast_into`], which fills the
    /// document where it lies), serde_json otherwise. Both read the same
    /// text into the same document.
    pub fn read_in<'s>(
        text: &'a str,
        slot: &'s mut Option<RawDoc<'a>>,
    ) -> serde_json::Result<&'s RawDoc<'a>> {
        if crate::json::read_fast_into(text, slot).is_none() {
            *slot = Some(serde_json::from_str(text)?);
        }
        slot.as_ref()
            .ok_or_else(|| serde::de::Error::custom("no document was read"))
    }
}

impl<'a> FastFill<'a> for RawOld<'a> {
    fn fill(&mut self, c: &mut Cursor<'a>) -> Option<()> {
        let out = self;
        c.object(|c, key| {
            match key {
                "stage" => out.stage = Some(Scalar::fast(c)?),
                "status" => out.status = Some(Scalar::fast(c)?),
                "updated_at" => out.updated_at = Some(Scalar::fast(c)?),
                _ => out.others.push((Cow::Borrowed(key), Value::fast(c)?)),
            }
            Some(())
        })?;
        last_wins(&mut out.others);
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Kind, NestedList, lazy};

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
        assert_eq!(
            event.keys.iter().collect::<Vec<_>>(),
            ["object", "old_object", "zz"]
        );
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
