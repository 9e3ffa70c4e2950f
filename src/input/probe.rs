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
    /// The `encrypt` member: its string, or the JSON type it has instead.
    pub encrypt: Option<Result<String, Kind>>,
    /// Whether the object has `headers` (an object) and `body`/`body_base64`.
    pub capture_record: bool,
}

impl Probe {
    /// Probes (and so validates) a whole JSON document; `Err(kind)` inside
    /// when it is valid JSON but not an object.
    pub fn of(bytes: &[u8]) -> Result<Result<Probe, Kind>, serde_json::Error> {
        // Parse first: a malformed document fails fast, where counting its
        // depth first would read it all (quadratic over a resync). The
        // order of the checks is the same as `of_depth`'s.
        let probed = Probe::of_depth(bytes, 0)?;
        if nesting_depth(bytes) > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(probed)
    }

    /// Like [`Probe::of`], for a document whose nesting depth is already
    /// known (the splitter counts it while it finds the record's end).
    /// The checks run in one order whichever way the depth was found:
    /// UTF-8, then syntax, then depth, so a record's error never depends
    /// on how the input was read.
    pub fn of_depth(bytes: &[u8], depth: usize) -> Result<Result<Probe, Kind>, serde_json::Error> {
        // Skipping a string does not check its UTF-8, so check it all here.
        let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
            // The fast check says only whether; the standard one says where.
            let at = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            return Err(serde::de::Error::custom(format_args!(
                "invalid UTF-8 at byte {at}"
            )));
        };
        // From `str`: serde_json need not check each string's UTF-8 again.
        let mut de = serde_json::Deserializer::from_str(text);
        let probed = de.deserialize_any(ProbeVisitor)?;
        de.end()?;
        // Skipping does not recurse, so it accepts any depth; the models
        // and `serde_json::Value` do recurse, and stop at 128.
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(probed)
    }
}

/// Checks that bytes are one JSON value nested no deeper than the models
/// read (UTF-8 is the caller's to check).
pub fn validate(bytes: &[u8]) -> Result<(), serde_json::Error> {
    serde_json::from_slice::<IgnoredAny>(bytes)?;
    if nesting_depth(bytes) > MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(())
}

fn too_deep() -> serde_json::Error {
    serde::de::Error::custom(format_args!(
        "recursion limit exceeded: nested more than {MAX_DEPTH} levels deep"
    ))
}

/// The deepest nesting a record may have (serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

/// How deeply the arrays and objects of a JSON text nest.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escape) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escape, b) {
                (true, _) => escape = false,
                (false, b'\\') => escape = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
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
                    probe.encrypt = Some(match map.next_value::<Scalar<'de>>()? {
                        Scalar::Str(s) => Ok(s.into_owned()),
                        other => Err(other.kind()),
                    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_structure_not_strings() {
        assert_eq!(nesting_depth(br#"{"a":[{"b":"[[[{{"}]}"#), 3);
        assert_eq!(nesting_depth(br#""\"[""#), 0);
        let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert!(
            Probe::of(deep.as_bytes()).is_err_and(|e| e.to_string().contains("recursion limit"))
        );
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(Probe::of(ok.as_bytes()).is_ok());
    }
}
