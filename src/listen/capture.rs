//! Capture records appended to `--capture FILE`: one compact JSON object
//! per line, written with one call and flushed before the request is
//! answered, so a killed receiver loses nothing it answered.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::request::Head;
use crate::input::{Headers, Location, Raw, RawRecord, RecordError};
use crate::record::Payload;

pub struct CaptureFile {
    file: File,
    source: Arc<str>,
    /// The line the next record starts on.
    next_line: u64,
}

impl CaptureFile {
    /// Opens FILE for appending, creating it when missing. Records already
    /// there are kept; the line count names where new records land.
    pub fn open(path: &Path) -> anyhow::Result<CaptureFile> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("cannot open --capture file {}", path.display()))?;
        let mut lines = 0u64;
        let mut last = None;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file
                .read(&mut buf)
                .with_context(|| format!("cannot read --capture file {}", path.display()))?;
            if n == 0 {
                break;
            }
            lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
            last = Some(buf[n - 1]);
        }
        if last.is_some_and(|b| b != b'\n') {
            // A record must start on a line of its own.
            file.write_all(b"\n")?;
            lines += 1;
        }
        file.seek(SeekFrom::End(0))?;
        Ok(CaptureFile {
            file,
            source: Arc::from(path.display().to_string()),
            next_line: lines + 1,
        })
    }

    /// Where the next record will start.
    pub fn next_location(&self) -> Location {
        Location::new(self.source.clone(), self.next_line)
    }

    /// Appends one record and flushes it; returns where it starts.
    pub fn append(&mut self, record: &impl Serialize) -> io::Result<Location> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        self.append_line(&line)
    }

    /// Appends one serialized record, ending in its newline, with one
    /// write, and flushes it; returns where it starts.
    pub fn append_line(&mut self, line: &[u8]) -> io::Result<Location> {
        self.file.write_all(line)?;
        self.file.flush()?;
        let location = Location::new(self.source.clone(), self.next_line);
        self.next_line += 1;
        Ok(location)
    }
}

/// `{"headers":{...},"body":"..."|"body_base64":"...","received_at","method","path"}`:
/// the exact body, every header with its name as received (repeated names
/// become arrays), the time in ms since the epoch, the request target.
/// Serialized straight from the request, as one line of the capture file.
pub struct CaptureRecord<'a> {
    head: &'a Head,
    body: &'a [u8],
    received_at: i64,
}

/// The capture record of one request.
pub fn record<'a>(head: &'a Head, body: &'a [u8], received_at: i64) -> CaptureRecord<'a> {
    CaptureRecord {
        head,
        body,
        received_at,
    }
}

impl Serialize for CaptureRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut record = serializer.serialize_map(Some(5))?;
        record.serialize_entry("headers", &headers(&self.head.headers))?;
        match std::str::from_utf8(self.body) {
            Ok(text) => record.serialize_entry("body", text)?,
            Err(_) => record.serialize_entry(
                "body_base64",
                &base64::engine::general_purpose::STANDARD.encode(self.body),
            )?,
        }
        record.serialize_entry("received_at", &self.received_at)?;
        record.serialize_entry("method", &self.head.method)?;
        record.serialize_entry("path", &self.head.target)?;
        record.end()
    }
}

/// The payload of one request, as its capture record replays: the exact
/// body and the headers as the record holds them (grouped by name).
pub fn payload(location: Location, head: &Head, body: &[u8]) -> Result<Payload, RecordError> {
    let mut headers = Headers::new();
    for (name, values) in grouped(&head.headers) {
        for value in values {
            headers.push(name, value);
        }
    }
    Payload::from_raw(RawRecord {
        location,
        raw: Raw::Http {
            method: head.method.clone(),
            path: head.target.clone(),
            headers,
            body: body.to_vec(),
        },
    })
}

/// Headers as a capture record holds them: a JSON object by exact name,
/// names in the order they first appear; a name seen once has its value, a
/// repeated one an array of them.
pub fn headers(headers: &[(String, String)]) -> impl Serialize + '_ {
    Grouped(grouped(headers))
}

/// Header values by exact name, names in the order they first appear: a
/// JSON object holds each name once.
fn grouped(headers: &[(String, String)]) -> Vec<(&str, Vec<&str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (name, value) in headers {
        match groups.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => values.push(value),
            None => groups.push((name, vec![value])),
        }
    }
    groups
}

/// Header groups as a JSON object: a name seen once has its value, a
/// repeated one an array of them.
struct Grouped<'a>(Vec<(&'a str, Vec<&'a str>)>);

impl Serialize for Grouped<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, values) in &self.0 {
            match values.as_slice() {
                [one] => map.serialize_entry(name, one)?,
                many => map.serialize_entry(name, many)?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Origin;
    use serde_json::{Map, Value, json};

    /// The capture record of a request as the file holds it, read back.
    fn record(head: &Head, body: &[u8], received_at: i64) -> Value {
        serde_json::from_slice(
            &serde_json::to_vec(&super::record(head, body, received_at)).unwrap(),
        )
        .unwrap()
    }

    /// The record as a `serde_json::Value` was built before it was
    /// serialized straight from the request: the file format to keep.
    fn record_as_value(head: &Head, body: &[u8], received_at: i64) -> Value {
        let mut headers = Map::new();
        for (name, value) in &head.headers {
            match headers.get_mut(name) {
                None => {
                    headers.insert(name.clone(), json!(value));
                }
                Some(Value::Array(values)) => values.push(json!(value)),
                Some(first) => *first = json!([first.take(), value]),
            }
        }
        let mut record = Map::new();
        record.insert("headers".into(), Value::Object(headers));
        match std::str::from_utf8(body) {
            Ok(text) => record.insert("body".into(), json!(text)),
            Err(_) => record.insert(
                "body_base64".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(body)),
            ),
        };
        record.insert("received_at".into(), json!(received_at));
        record.insert("method".into(), json!(head.method));
        record.insert("path".into(), json!(head.target));
        Value::Object(record)
    }

    fn head(headers: &[(&str, &str)]) -> Head {
        Head {
            method: "POST".into(),
            target: "/webhook/event".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// What the other subcommands read back from a record.
    fn replay(record: &Value) -> Payload {
        Payload::from_raw(RawRecord {
            location: Location::new(Arc::from("t"), 1),
            raw: Raw::document(serde_json::to_vec(record).unwrap()).unwrap(),
        })
        .unwrap()
    }

    #[test]
    fn records_replay_byte_for_byte() {
        let h = head(&[("X-Lark-Signature", "ab"), ("x-a", "1"), ("x-a", "2")]);
        let body = " {\"a\":\"\u{5f20}\\n\"}\r\n";
        let r = record(&h, body.as_bytes(), 1_700_000_000_123);
        assert_eq!(r["headers"]["x-a"], json!(["1", "2"]));
        let p = replay(&r);
        assert_eq!(p.origin, Origin::CaptureRecord);
        assert_eq!(p.body, body.as_bytes());
        assert_eq!(p.headers.get("x-lark-signature"), Some("ab"));
        assert_eq!(p.headers.get_all("X-A").collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(p.path.as_deref(), Some("/webhook/event"));
        assert_eq!(p.received_at, Some(json!(1_700_000_000_123i64)));
    }

    #[test]
    fn non_utf8_bodies_are_base64() {
        let r = record(&head(&[]), b"{\"a\":\"\xff\"}", 0);
        assert!(r.get("body").is_none());
        assert_eq!(r["body_base64"], json!("eyJhIjoi/yJ9"));
    }

    #[test]
    fn appends_on_a_line_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.ndjson");
        std::fs::write(&path, "{\"a\":1}\n{\"b\":2}").unwrap();
        let mut file = CaptureFile::open(&path).unwrap();
        let at = file.append(&json!({"c": 3})).unwrap();
        assert_eq!(at.line, 3);
        let at = file.append(&json!({"d": 4})).unwrap();
        assert_eq!(at.line, 4);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n{\"d\":4}\n"
        );
    }

    #[test]
    fn the_file_format_is_kept_byte_for_byte() {
        let h = head(&[
            ("Host", "x"),
            ("x-a", "1"),
            ("X-A", "2"),
            ("x-a", "3"),
            ("x-b", "\u{9b}\"\n"),
            ("x-a", "4"),
            ("x-c", ""),
        ]);
        for body in [
            &b""[..],
            b"{\"a\":\"\xff\"}",
            "{\"\u{5f20}\":\"\\u0000\"}\r\n".as_bytes(),
        ] {
            let line = serde_json::to_vec(&super::record(&h, body, -1)).unwrap();
            let before = serde_json::to_vec(&record_as_value(&h, body, -1)).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&line),
                String::from_utf8_lossy(&before)
            );
        }
    }

    #[test]
    fn a_live_payload_is_its_replayed_record() {
        let h = head(&[
            ("X-Lark-Signature", "ab"),
            ("x-a", "1"),
            ("x-lark-signature", "cd"),
            ("x-a", "2"),
        ]);
        let body = b"{\"encrypt\":\"abc\"}\n";
        let at = Location::new(Arc::from("t"), 1);
        let live = payload(at, &h, body).unwrap();
        let again = replay(&record(&h, body, 0));
        assert_eq!(live.headers, again.headers);
        assert_eq!(live.body, again.body);
        assert_eq!(live.encrypted_field(), again.encrypted_field());
        assert_eq!(live.method, again.method);
        assert_eq!(live.path, again.path);
        let bad = payload(Location::new(Arc::from("t"), 1), &h, b"[1]").unwrap_err();
        let at = Location::new(Arc::from("t"), 1);
        let replayed = Payload::from_raw(RawRecord {
            location: at,
            raw: Raw::document(serde_json::to_vec(&record(&h, b"[1]", 0)).unwrap()).unwrap(),
        })
        .unwrap_err();
        assert_eq!(bad, replayed);
    }
}
