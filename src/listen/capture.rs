//! Capture records appended to `--capture FILE`: one compact JSON object
//! per line, written with one call and flushed before the request is
//! answered, so a killed receiver loses nothing it answered.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use serde_json::{Map, Value, json};

use super::request::Head;
use crate::input::Location;

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

    /// Appends one record and flushes it; returns where it starts.
    pub fn append(&mut self, record: &Value) -> io::Result<Location> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.flush()?;
        let location = Location::new(self.source.clone(), self.next_line);
        self.next_line += 1;
        Ok(location)
    }
}

/// `{"headers":{...},"body":"..."|"body_base64":"...","received_at","method","path"}`:
/// the exact body, every header with its name as received (repeated names
/// become arrays), the time in ms since the epoch, the request target.
pub fn record(head: &Head, body: &[u8], received_at: i64) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Raw, RawRecord};
    use crate::record::{Origin, Payload};

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
}
