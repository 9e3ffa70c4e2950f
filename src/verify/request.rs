//! What `sign` and `verify` read. `sign` reads one body exactly as
//! received, within the record bound. `verify` reads the same, or a stream
//! of HTTP captures or capture records, and tells which in the one pass
//! that reads them. And the headers given on the command line.

use std::io::{self, Read};
use std::rc::Rc;
use std::sync::Arc;

use crate::input::{
    Headers, Input, Location, Members as Probe, Raw, RawRecord, RecordError, Splitter,
    is_request_line,
};
use crate::record::{Origin, Payload};

/// The start of an input: all of it, or, past `max` bytes, its first
/// `max + 1` bytes and the rest unread.
pub struct Head {
    pub bytes: Vec<u8>,
    /// The input after `bytes`, when there may be more.
    pub rest: Option<Box<dyn Read>>,
}

/// Reads the start of `input`: at most `max + 1` bytes.
pub fn read_head(input: &Input, max: usize) -> Result<Head, RecordError> {
    let mut reader = input.open()?;
    let mut bytes = Vec::new();
    (&mut reader)
        .take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| RecordError::new(Location::new(input.name(), 0), e.to_string()))?;
    let rest = (bytes.len() > max).then(|| Box::new(reader) as Box<dyn Read>);
    Ok(Head { bytes, rest })
}

/// The whole input, byte for byte, within the record bound; past it, an
/// error as soon as the bound is crossed, without reading the rest.
pub fn read_bounded(input: &Input, max: usize) -> Result<Vec<u8>, RecordError> {
    let head = read_head(input, max)?;
    match head.rest {
        None => Ok(head.bytes),
        Some(_) => Err(over_bound(Location::new(input.name(), 0), max)),
    }
}

fn over_bound(location: Location, max: usize) -> RecordError {
    RecordError::new(location, crate::input::exceeds_bound("body", max))
}

/// The payloads of one input (see [`Payloads`]).
pub fn read(input: &Input, max_record: usize) -> Result<Payloads, RecordError> {
    Ok(Payloads::of(
        input.name(),
        read_head(input, max_record)?,
        max_record,
    ))
}

/// The payloads of an input held whole.
pub fn payloads(
    source: Arc<str>,
    bytes: Vec<u8>,
    max_record: usize,
) -> Vec<Result<Payload, RecordError>> {
    Payloads::of(source, Head { bytes, rest: None }, max_record).collect()
}

/// The payloads of one input, read once. A plain body is kept byte for
/// byte (leading and trailing whitespace and a final newline are part of
/// what was signed) and bounded like a record; HTTP captures and capture
/// records carry their exact bodies already, each bounded by the splitter.
/// The input is a stream when it starts with an HTTP request line, or
/// when its first record is a capture record: one splitter tells, and goes
/// on splitting the stream.
pub struct Payloads {
    /// The next payload, already made: a plain body's, or the first
    /// capture record's (taken to tell).
    next: Option<Result<Payload, RecordError>>,
    /// A stream's splitter, for the payloads after.
    stream: Option<Splitter<Box<dyn Read>>>,
}

impl Payloads {
    fn of(source: Arc<str>, head: Head, max: usize) -> Payloads {
        let over = head.bytes.len() > max;
        let start = head
            .bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(head.bytes.len());
        let rest = &head.bytes[start..];
        let first_line = &rest[..memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1)];
        let http = is_request_line(first_line);
        let brace = rest.first() == Some(&b'{');
        // A form feed is whitespace here but not to the splitter, which
        // rejects its line: then only a split of its own from the `{` tells
        // whether the input means to be capture records.
        let form_feed = head.bytes[..start].contains(&b'\x0c');
        let captures_after_form_feed = brace
            && form_feed
            && is_capture_record(&next_payload(&mut Splitter::new(rest, source.clone(), max)));
        let bytes = Rc::new(head.bytes);
        let read = Shared {
            bytes: bytes.clone(),
            at: 0,
        };
        let reader: Box<dyn Read> = match head.rest {
            Some(more) => Box::new(read.chain(more)),
            None => Box::new(read),
        };
        let mut splitter = Splitter::new(reader, source.clone(), max);
        if http || captures_after_form_feed {
            return Payloads::stream(None, splitter);
        }
        let mut split = 0;
        if brace && !form_feed {
            let first = next_payload(&mut splitter);
            if is_capture_record(&first) {
                return Payloads::stream(first, splitter);
            }
            split = usize::from(first.is_some());
        }
        let location = Location::new(source, 1);
        if over {
            return Payloads::one(Err(over_bound(location, max)));
        }
        let probe = match Probe::of(&bytes) {
            Ok(probe) => probe,
            Err(e) => {
                // The same splitter, on to a second record if there is one.
                let several = split + splitter.by_ref().take(2 - split).count() > 1;
                let message = if several {
                    "holds more than one JSON document: verify takes one body exactly as received, \
                     or HTTP captures or capture records (one result each)"
                        .to_string()
                } else if bytes.iter().all(u8::is_ascii_whitespace) {
                    "body is empty".to_string()
                } else {
                    format!("body is not JSON: {e}")
                };
                return Payloads::one(Err(RecordError::new(location, message)));
            }
        };
        drop(splitter);
        let bytes = Rc::try_unwrap(bytes).unwrap_or_else(|shared| shared.as_ref().clone());
        Payloads::one(Payload::from_raw(RawRecord {
            location,
            raw: Raw::Json { bytes, probe },
        }))
    }

    fn one(payload: Result<Payload, RecordError>) -> Payloads {
        Payloads {
            next: Some(payload),
            stream: None,
        }
    }

    fn stream(
        first: Option<Result<Payload, RecordError>>,
        splitter: Splitter<Box<dyn Read>>,
    ) -> Payloads {
        Payloads {
            next: first,
            stream: Some(splitter),
        }
    }
}

/// The payload of the next record of `splitter`.
fn next_payload<R: Read>(splitter: &mut Splitter<R>) -> Option<Result<Payload, RecordError>> {
    splitter
        .next_record()
        .map(|raw| raw.and_then(Payload::from_raw))
}

/// Whether a first payload makes the input a stream of capture records.
fn is_capture_record(first: &Option<Result<Payload, RecordError>>) -> bool {
    matches!(
        first,
        Some(Ok(Payload {
            origin: Origin::CaptureRecord,
            ..
        }))
    )
}

impl Iterator for Payloads {
    type Item = Result<Payload, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next
            .take()
            .or_else(|| self.stream.as_mut().and_then(next_payload))
    }
}

/// The bytes already read, handed to the splitter while [`Payloads::of`]
/// keeps them for a plain body; let go of once the splitter has them all.
struct Shared {
    bytes: Rc<Vec<u8>>,
    at: usize,
}

impl Read for Shared {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        if n == rest.len() {
            self.bytes = Rc::default();
            self.at = 0;
        }
        Ok(n)
    }
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
        assert_eq!(p.body[..], b" {\"a\":1}\n"[..]);
    }

    #[test]
    fn captures_are_streams() {
        let p = one(b"{\"headers\":{\"X-A\":\"1\"},\"body\":\"{}\\n\"}\n");
        assert_eq!(p.origin, Origin::CaptureRecord);
        assert_eq!(p.body[..], b"{}\n"[..]);
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

    /// A reader that counts the bytes taken from it.
    struct Counted(io::Cursor<Vec<u8>>, Rc<std::cell::Cell<usize>>);

    impl Read for Counted {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n);
            Ok(n)
        }
    }

    #[test]
    fn a_body_over_the_bound_is_refused_unread() {
        let taken = Rc::new(std::cell::Cell::new(0));
        for start in [&b"{\"a\":\""[..], b"  \n", b"xyz"] {
            let head = Head {
                bytes: [start, &[b'x'; 1 << 10]].concat()[..101].to_vec(),
                rest: Some(Box::new(Counted(
                    io::Cursor::new(vec![b'x'; 1 << 20]),
                    taken.clone(),
                ))),
            };
            let all: Vec<_> = Payloads::of(Arc::from("t"), head, 100).collect();
            assert_eq!(all.len(), 1);
            assert!(all[0].as_ref().is_err_and(|e| e.to_string()
                == "t:1: body exceeds the 100 byte bound (raise it with --max-record-size)"));
        }
        assert_eq!(taken.get(), 0);
    }

    #[test]
    fn a_stream_of_captures_may_exceed_the_bound() {
        let record = b"{\"headers\":{},\"body\":\"{}\"}\n";
        let input = record.repeat(10);
        let head = Head {
            bytes: input[..41].to_vec(),
            rest: Some(Box::new(io::Cursor::new(input[41..].to_vec()))),
        };
        let all: Vec<_> = Payloads::of(Arc::from("t"), head, 40).collect();
        assert_eq!(all.len(), 10);
        assert!(
            all.iter()
                .all(|p| p.as_ref().is_ok_and(|p| p.body[..] == b"{}"[..]))
        );
    }
}
