//! One fast pass over a JSON document that validates it and reports what
//! the record layer asks of it: whether it is an object, and the top-level
//! members that tell a wrapper from an event (`encrypt`, `headers`, `body`,
//! `body_base64`), as found. What those make of the record is the record
//! layer's to say (`record::Probe`).

use std::fmt;

use serde::Deserializer as _;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::check::{MAX_DEPTH, check_syntax, check_utf8};
use super::scan::nests_deeper_than;
use crate::json::{Key, Kind, Scalar, wrong_scalars};

/// The top-level members of a JSON object that the record layer reads to
/// tell what the record is, as found (the last of each when repeated, as
/// in any JSON object).
#[derive(Debug, Default)]
pub struct Members {
    /// `encrypt`: its string, or the JSON type it has instead.
    pub encrypt: Option<Result<String, Kind>>,
    /// `headers`: its JSON type.
    pub headers: Option<Kind>,
    /// Whether there is a `body`.
    pub body: bool,
    /// Whether there is a `body_base64`.
    pub body_base64: bool,
}

impl Members {
    /// The members from their values as read (by the probe, or by any
    /// other reader of the same document).
    pub fn from_scalars(
        encrypt: Option<&Scalar<'_>>,
        headers: Option<&Scalar<'_>>,
        body: bool,
        body_base64: bool,
    ) -> Members {
        Members {
            encrypt: encrypt.map(|value| match value {
                Scalar::Str(s) => Ok(s.to_string()),
                other => Err(other.kind()),
            }),
            headers: headers.map(Scalar::kind),
            body,
            body_base64,
        }
    }

    /// Probes (and so validates) a whole JSON document; `Err(kind)` inside
    /// when it is valid JSON but not an object.
    pub fn of(bytes: &[u8]) -> Result<Result<Members, Kind>, serde_json::Error> {
        check_utf8(bytes)?;
        Members::of_checked(bytes, nests_deeper_than(bytes, MAX_DEPTH))
    }

    /// Like [`Members::of`], for a record whose depth is known to be within
    /// the limit (the splitter counted it).
    pub fn of_line(bytes: &[u8]) -> Result<Result<Members, Kind>, serde_json::Error> {
        if let Some(members) = Members::of_bare_wrapper(bytes) {
            return Ok(Ok(members));
        }
        check_utf8(bytes)?;
        Members::of_checked(bytes, None)
    }

    /// The members of an encrypted wrapper written exactly as the platform
    /// writes it, `{"encrypt":"..."}`, when the string holds only printable
    /// ASCII other than `"` and `\`: the document is then valid JSON and
    /// the string is its bytes, so it needs no parse (for an encrypted
    /// record, that parse over the long ciphertext cost as much as parsing
    /// the event inside). `None` for anything else.
    pub fn of_bare_wrapper(bytes: &[u8]) -> Option<Members> {
        let inner = bytes
            .strip_prefix(br#"{"encrypt":""#)?
            .strip_suffix(br#""}"#)?;
        // No early exit, so that the check runs many bytes at a time.
        let plain = inner.iter().fold(true, |plain, &b| {
            plain & (b' '..=b'~').contains(&b) & (b != b'"') & (b != b'\\')
        });
        if !plain {
            return None;
        }
        let ciphertext = simdutf8::basic::from_utf8(inner).ok()?;
        Some(Members {
            encrypt: Some(Ok(ciphertext.to_string())),
            ..Members::default()
        })
    }

    /// Like [`Members::of`], for bytes already checked to be UTF-8, and
    /// where they first nest too deep, if they do. The checks run in one
    /// order whichever way the record was found (UTF-8, then syntax and
    /// depth in reading order: whichever fails first), so a record's error
    /// never depends on how the input was read.
    pub fn of_checked(
        bytes: &[u8],
        too_deep_at: Option<usize>,
    ) -> Result<Result<Members, Kind>, serde_json::Error> {
        if too_deep_at.is_some() {
            return check_syntax(bytes, too_deep_at).map(|()| Ok(Members::default()));
        }
        // Only the top-level keys are parsed (values are skipped, which
        // checks no UTF-8), so reading from bytes costs next to nothing.
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let probed = de.deserialize_any(ProbeVisitor)?;
        de.end()?;
        Ok(probed)
    }
}

struct ProbeVisitor;

impl<'de> Visitor<'de> for ProbeVisitor {
    type Value = Result<Members, Kind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut encrypt, mut headers) = (None, None);
        let (mut body, mut body_base64) = (false, false);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match key.as_ref() {
                "encrypt" => encrypt = Some(map.next_value::<Scalar<'de>>()?),
                "headers" => headers = Some(map.next_value::<Scalar<'de>>()?),
                "body" => {
                    map.next_value::<IgnoredAny>()?;
                    body = true;
                }
                "body_base64" => {
                    map.next_value::<IgnoredAny>()?;
                    body_base64 = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Ok(Members::from_scalars(
            encrypt.as_ref(),
            headers.as_ref(),
            body,
            body_base64,
        )))
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
    fn depth_limit_is_serde_jsons() {
        let nested = |d: usize| format!("{}{}", "[".repeat(d), "]".repeat(d));
        let deep = nested(MAX_DEPTH + 1);
        assert!(
            Members::of(deep.as_bytes()).is_err_and(|e| e.to_string().contains("recursion limit"))
        );
        assert!(serde_json::from_str::<serde_json::Value>(&deep).is_err());
        let ok = nested(MAX_DEPTH);
        assert!(Members::of(ok.as_bytes()).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&ok).is_ok());
        // Brackets in strings do not count.
        let quoted = format!("{{\"a\":\"{}\"}}", "[".repeat(200));
        assert!(Members::of(quoted.as_bytes()).is_ok());
    }
}
