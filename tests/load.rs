//! A stream under load: hundreds of thousands of records with a few bad
//! ones of every kind, through `parse -o json`. Every good record comes out
//! once and in order, and every bad one is reported at its `FILE:LINE`.
//! (Records are url_verification challenges: the cheapest to render, so
//! the test stays quick in a debug build.)

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use common::*;

const RECORDS: usize = 200_000;

#[test]
fn a_large_stream_keeps_every_good_record_in_order() {
    // Bad records at known lines, each a different way to be bad. An
    // unterminated one early means the resync's lookahead serves most of
    // the stream.
    let bad: BTreeMap<usize, &str> = [
        (1, "{\"type\":\"url_verification\",broken}"),
        (
            777,
            "{\"type\":\"url_verification\",\"challenge\":\"never closed",
        ),
        (50_000, "not JSON at all"),
        (100_001, "{\"encrypt\":\"AAAA\"}"),
        (123_456, "[1,2,3]"),
        (150_000, "{\"no\":\"event\"}"),
        (199_999, "{\"type\":\"url_verification\",\"challenge\":"),
    ]
    .into_iter()
    .collect();
    let mut input = String::with_capacity(RECORDS * 60);
    let mut good = Vec::new();
    for line in 1..=RECORDS {
        match bad.get(&line) {
            Some(record) => input.push_str(record),
            None => {
                let _ = write!(
                    input,
                    "{{\"type\":\"url_verification\",\"challenge\":\"{line}\"}}"
                );
                good.push(line);
            }
        }
        input.push('\n');
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("load.ndjson");
    std::fs::write(&path, &input).expect("write");
    let name = path.display().to_string();

    let out = bin()
        .args(["parse", "-o", "json", "--encrypt-key", KEY])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));

    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let mut seen = Vec::with_capacity(good.len());
    for line in stdout.lines() {
        let record: serde_json::Value =
            serde_json::from_str(line).expect("one JSON object per line");
        let challenge = record["challenge"].as_str().expect("a challenge");
        let n: usize = challenge.parse().expect("a line number");
        assert_eq!(record["source"], format!("{name}:{n}"));
        seen.push(n);
    }
    assert_eq!(seen.len(), good.len(), "count of good records");
    assert!(seen == good, "good records lost, repeated or out of order");

    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    let reported: Vec<usize> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("lark-ticket: error: {name}:")))
        .map(|rest| {
            rest.split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("a line")
        })
        .collect();
    assert_eq!(
        reported,
        bad.keys().copied().collect::<Vec<_>>(),
        "{stderr}"
    );
    assert!(
        stderr.lines().all(|l| l.starts_with("lark-ticket: ")),
        "{stderr}"
    );
}
