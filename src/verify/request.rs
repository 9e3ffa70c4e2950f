//! What `verify` reads: one body exactly as received, or a stream of HTTP
//! captures or capture records; and the headers given on the command line.

use std::sync::Arc;

use crate::diagnostics::RAISE_RECORD_BOUND;
use crate::input::{
    Headers, Location, Probe, Raw, RawRecord, RecordError, Splitter, is_request_line,
};
use crate::record::{Origin, Payload};

/// The payloads of one input. A plain body is kept byte for byte (leading
/// and trailing whitespace and a final newline are part of what was signed);
/// HTTP captures and capture records carry their exact bodies already.
pub fn payloads(
    source: Arc<str>,
    bytes: Vec<u8>,
    max_record: usize,
) -> Vec<Result<Payload, RecordError>> {
    if is_stream(&bytes, &source, max_record) {
        return Splitter::new(bytes.as_slice(), source, max_record)
            .map(|raw| raw.and_then(Payload::from_raw))
            .collect();
    }
    vec![plain_body(source, bytes, max_record)]
}

/// Whether the input starts with an HTTP request line or a capture record.
fn is_stream(bytes: &[u8], source: &Arc<str>, max_record: usize) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    let first_line = &rest[..memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1)];
    if is_request_line(first_line) {
        return true;
    }
    if rest.first() != Some(&b'{') {
        return false;
    }
    let mut splitter = Splitter::new(rest, source.clone(), max_record);
    matches!(
        splitter
            .next_record()
            .map(|raw| raw.and_then(Payload::from_raw)),
        Some(Ok(Payload {
            origin: Origin::CaptureRecord,
            ..
        }))
    )
}

fn plain_body(source: Arc<str>, bytes: Vec<u8>, max_record: usize) -> Result<Payload, RecordError> {
    let location = Location::new(source.clone(), 1);
    if bytes.len() > max_record {
        return Err(RecordError::new(
            location,
            format!("body exceeds the {max_record} byte bound ({RAISE_RECORD_BOUND})"),
        ));
    }
    let probe = match Probe::of(&bytes) {
        Ok(probe) => probe,
        Err(e) => {
            let several = Splitter::new(bytes.as_slice(), source, max_record).count() > 1;
            let message = if several {
                "holds more than one JSON document: verify takes one body exactly as received, \
                 or HTTP captures or capture records (one result each)"
                    .to_string()
            } else if bytes.iter().all(u8::is_ascii_whitespace) {
                "body is empty".to_string()
            } else {
                format!("body is not JSON: {e}")
            };
            return Err(RecordError::new(location, message));
        }
    };
    Payload::from_raw(RawRecord {
        location,
        raw: Raw::Json { bytes, probe },
    })
}

/// Parses `-H 'Name: value'` flags.
pub fn parse_header_flags(flags: &[String]) -> anyhow::Result<Headers> {
    let mut headers = Headers::new();
    for flag in flags {
        let parsed = flag.split_once(':').and_then(|(name, value)| {
            let name = name.trim();
            (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| (name, value.trim()))
        });
        match parsed {
            Some((name, value)) => headers.set(name, value),
            None => anyhow::bail!("-H expects 'Name: value', got {flag:?}"),
        }
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(bytes: &[u8]) -> Payload {
        let mut all = payloads(Arc::from("t"), bytes.to_vec(), 1 << 20);
        assert_eq!(all.len(), 1);
        all.remove(0).unwrap()
    }

    #[test]
    fn a_plain_body_is_kept_byte_for_byte() {
        let p = one(b" {\"a\":1}\n");
        assert_eq!(p.origin, Origin::Document);
        assert_eq!(p.body, b" {\"a\":1}\n");
    }

    #[test]
    fn captures_are_streams() {
        let p = one(b"{\"headers\":{\"X-A\":\"1\"},\"body\":\"{}\\n\"}\n");
        assert_eq!(p.origin, Origin::CaptureRecord);
        assert_eq!(p.body, b"{}\n");
        let p = one(b"POST /e HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!(p.origin, Origin::HttpCapture);
        let two = payloads(
            Arc::from("t"),
            b"{\"headers\":{},\"body\":\"{}\"}\n{\"headers\":{},\"body\":\"{}\"}\n".to_vec(),
            1 << 20,
        );
        assert_eq!(two.len(), 2);
    }

    #[test]
    fn several_plain_documents_are_an_error() {
        let all = payloads(Arc::from("t"), b"{}\n{}\n".to_vec(), 1 << 20);
        assert!(
            all[0]
                .as_ref()
                .is_err_and(|e| e.message.contains("more than one"))
        );
    }

    #[test]
    fn header_flags() {
        let h = parse_header_flags(&["x-lark-signature:  abc ".to_string()]).unwrap();
        assert_eq!(h.get("X-Lark-Signature"), Some("abc"));
        assert!(parse_header_flags(&["no colon".to_string()]).is_err());
        assert!(parse_header_flags(&[": v".to_string()]).is_err());
    }
}
