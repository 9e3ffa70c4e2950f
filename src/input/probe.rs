//! One fast pass over a JSON document that validates it and tells what the
//! record layer needs: whether it is an object, its `encrypt` string, and
//! whether it is a capture record.

use std::fmt;

use serde::Deserializer as _;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::event::raw::{Key, Kind, Scalar, wrong_scalars};

/// What one fast pass over a body tells: whether it is an object, its
/// `encrypt` string, and whether it is a capture record.
#[derive(Debug, Default)]
pub struct Probe {
    /// The `encrypt` string, when there is one.
    pub encrypt: Option<String>,
    /// Whether the object has `headers` (an object) and `body`/`body_base64`.
    pub capture_record: bool,
}

impl Probe {
    /// Probes (and so validates) a whole JSON document; `Err(kind)` inside
    /// when it is valid JSON but not an object.
    pub fn of(bytes: &[u8]) -> Result<Result<Probe, Kind>, serde_json::Error> {
        // Skipping a string does not check its UTF-8, so check it all here.
        if simdutf8::basic::from_utf8(bytes).is_err() {
            // The fast check says only whether; the standard one says where.
            let at = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            return Err(serde::de::Error::custom(format_args!(
                "invalid UTF-8 at byte {at}"
            )));
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let probed = de.deserialize_any(ProbeVisitor)?;
        de.end()?;
        Ok(probed)
    }
}

struct ProbeVisitor;

impl<'de> Visitor<'de> for ProbeVisitor {
    type Value = Result<Probe, Kind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut probe = Probe::default();
        let (mut headers, mut body) = (false, false);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match key.as_ref() {
                "encrypt" => {
                    probe.encrypt = match map.next_value::<Scalar<'de>>()? {
                        Scalar::Str(s) => Some(s.into_owned()),
                        _ => None,
                    }
                }
                "headers" => headers = map.next_value::<Scalar<'de>>()? == Scalar::Object,
                "body" | "body_base64" => {
                    map.next_value::<IgnoredAny>()?;
                    body = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        probe.capture_record = headers && body;
        Ok(Ok(probe))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(Kind::Array))
    }

    wrong_scalars!(|kind| Err(kind));
}
