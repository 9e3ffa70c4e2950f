//! `verify` against the official Python SDK: random bodies, sent as signed
//! or changed, with right and wrong signatures, get the SDK's own verdict.

mod common;

use std::io::Write;
use std::process::Command;

use common::verify::{sha256_hex, status, verify};
use common::*;

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A random JSON object body, in a random layout.
fn random_body(rng: &mut Rng) -> Vec<u8> {
    let words = [
        "ticket", "状态", "ok", "a\\\"b", "😀", "x y", "", "\\n", "é",
    ];
    let mut fields = Vec::new();
    for i in 0..rng.below(6) {
        let value = match rng.below(4) {
            0 => format!("\"{}\"", rng.pick(&words)),
            1 => rng.below(100_000).to_string(),
            2 => "[1, {\"k\": null}]".to_string(),
            _ => "true".to_string(),
        };
        fields.push(format!("\"k{i}{}\":{value}", rng.pick(&words)));
    }
    let sep = rng.pick(&[",", ", ", ",\n  ", ",\r\n  "]);
    let mut body = format!("{{{}}}", fields.join(sep));
    match rng.below(4) {
        0 => body.push('\n'),
        1 => body.insert(0, ' '),
        _ => {}
    }
    body.into_bytes()
}

#[test]
fn agrees_with_the_python_sdk_signature_check() {
    let Some(python) = sdk_python() else {
        return;
    };
    let mut rng = Rng(0x5eed_1a2c_0ffe_e123);
    let mut records = String::new();
    for _ in 0..120 {
        let body = random_body(&mut rng);
        let ts = rng.below(2_000_000_000).to_string();
        let nonce = format!("{:x}", rng.next());
        let good = sha256_hex(&[ts.as_bytes(), nonce.as_bytes(), KEY.as_bytes(), &body]);
        // Send the body as signed, or mutated; the signature right or wrong.
        let sent: Vec<u8> = match rng.below(6) {
            0 => [&body[..], b"\n"].concat(),
            1 => body.strip_suffix(b"\n").unwrap_or(&body).to_vec(),
            2 => {
                let mut b = body.clone();
                b.insert(1, b' ');
                b
            }
            _ => body.clone(),
        };
        let signature = match rng.below(6) {
            0 => good.to_uppercase(),
            1 => good[..63].to_string(),
            2 => sha256_hex(&[ts.as_bytes(), nonce.as_bytes(), b"other", &body]),
            3 => format!(" {good}"),
            _ => good.clone(),
        };
        let record = serde_json::json!({
            "headers": {
                "X-Lark-Request-Timestamp": ts,
                "X-Lark-Request-Nonce": nonce,
                "X-Lark-Signature": signature,
            },
            "body": String::from_utf8(sent).unwrap(),
        });
        records.push_str(&record.to_string());
        records.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("requests.ndjson");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(records.as_bytes())
        .unwrap();

    // The SDK's verdicts: its dispatcher's own signature check per request.
    let oracle = r#"
import json, sys
import lark_oapi as lark
from lark_oapi.core.model import RawRequest
from lark_oapi.core.exception import AccessDeniedException
key = sys.argv[2]
handler = lark.EventDispatcherHandler.builder(key, "").build()
for line in open(sys.argv[1], encoding="utf-8"):
    rec = json.loads(line)
    req = RawRequest()
    req.headers = rec["headers"]
    req.body = rec["body"].encode("utf-8")
    try:
        handler._verify_sign(req, key)
        print("accept")
    except AccessDeniedException:
        print("reject")
"#;
    let sdk = Command::new(python)
        .args(["-c", oracle])
        .arg(&file)
        .arg(KEY)
        .output()
        .unwrap();
    assert!(
        sdk.status.success(),
        "{}",
        String::from_utf8_lossy(&sdk.stderr)
    );
    let sdk: Vec<bool> = String::from_utf8(sdk.stdout)
        .unwrap()
        .lines()
        .map(|l| l == "accept")
        .collect();

    let out = verify(&[file.to_str().unwrap(), "-o", "json"], None);
    let ours: Vec<bool> = out
        .json()
        .iter()
        .map(|r| status(r, "signature") == "pass")
        .collect();
    assert_eq!(ours.len(), 120, "{}", out.stderr);
    assert_eq!(sdk.len(), 120);
    let accepted = sdk.iter().filter(|a| **a).count();
    assert!(
        (20..100).contains(&accepted),
        "both verdicts exercised: {accepted} accepted"
    );
    for (i, (ours, sdk)) in ours.iter().zip(&sdk).enumerate() {
        assert_eq!(
            ours,
            sdk,
            "request {} of requests.ndjson: verify {} but the SDK {}\n{}",
            i + 1,
            if *ours { "accepts" } else { "rejects" },
            if *sdk { "accepts" } else { "rejects" },
            records.lines().nth(i).unwrap_or_default()
        );
    }
}
