//! `verify` over the testdata/verify-* fixtures (made by
//! scripts/make-verify-fixtures.py with hashlib/hmac), and against the
//! official Python SDK's own signature check.

mod common;

use std::io::Write;
use std::process::Command;

use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

const TS: &str = "1700000000";
const NONCE: &str = "6c1d2f0a9b8e7d4c";

/// Lowercase hex SHA-256 of the concatenation, computed here, not by the
/// code under test.
fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn sign(body: &[u8]) -> String {
    sha256_hex(&[TS.as_bytes(), NONCE.as_bytes(), KEY.as_bytes(), body])
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    fn one(&self) -> Value {
        let all = self.json();
        assert_eq!(all.len(), 1, "{}", self.stdout);
        all.into_iter().next().unwrap()
    }

    /// Neither secret appears anywhere the user can see.
    fn assert_no_secrets(&self) {
        for secret in [KEY, TOKEN] {
            assert!(!self.stdout.contains(secret), "secret in stdout");
            assert!(!self.stderr.contains(secret), "secret in stderr");
        }
    }
}

fn verify(args: &[&str], stdin: Option<&[u8]>) -> Out {
    let mut cmd = bin();
    cmd.env("LARK_ENCRYPT_KEY", KEY)
        .arg("verify")
        .args(args)
        .write_stdin(stdin.unwrap_or_default());
    let out = cmd.output().expect("runs");
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    out.assert_no_secrets();
    out
}

fn check<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no {name} check in {result}"))
}

fn status<'a>(result: &'a Value, name: &str) -> &'a str {
    check(result, name)["status"].as_str().unwrap_or_default()
}

fn detail<'a>(result: &'a Value, name: &str) -> &'a str {
    check(result, name)["detail"].as_str().unwrap_or_default()
}

fn path(name: &str) -> String {
    testdata(name).to_string_lossy().into_owned()
}

// ---- a correct request passes from every input form ----

#[test]
fn body_file_with_flags() {
    let body = read("verify-body.json");
    let sig = sign(&body);
    let out = verify(
        &[
            &path("verify-body.json"),
            "--timestamp",
            TS,
            "--nonce",
            NONCE,
            "--signature",
            &sig,
            "--verification-token",
            TOKEN,
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let r = out.one();
    assert_eq!(r["ok"], true);
    assert_eq!(status(&r, "signature"), "pass");
    assert_eq!(status(&r, "token"), "pass");
    // The file ends with a newline, so it is not what JSON.stringify writes.
    let detail = check(&r, "signature")["detail"].as_str().unwrap();
    assert!(
        detail.contains("the Node SDK would still reject it"),
        "{detail}"
    );
    assert_eq!(r["expected_signature"], sig.as_str());
    assert_eq!(r["received_signature"], sig.as_str());
    assert_eq!(r["diagnosis"], Value::Null);
    assert!(
        r["source"]
            .as_str()
            .unwrap()
            .ends_with("verify-body.json:1")
    );
}

#[test]
fn body_on_stdin_with_header_flags_in_any_case() {
    let body = read("verify-body.json");
    let sig = sign(&body);
    let out = verify(
        &[
            "-H",
            &format!("x-lark-request-timestamp: {TS}"),
            "-H",
            &format!("X-LARK-REQUEST-NONCE:{NONCE}"),
            "-H",
            &format!("X-Lark-Signature: {sig}"),
            "-o",
            "json",
        ],
        Some(&body),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.one()["source"], "-:1");
}

#[test]
fn http_capture() {
    let out = verify(
        &[
            &path("verify-request.http"),
            "--verification-token",
            TOKEN,
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let r = out.one();
    assert_eq!(status(&r, "signature"), "pass");
    assert_eq!(status(&r, "token"), "pass");
    // A compact body, as the platform sends: the Node SDK agrees.
    let detail = check(&r, "signature")["detail"].as_str().unwrap();
    assert!(!detail.contains("Node SDK"), "{detail}");
}

#[test]
fn header_flags_override_the_capture() {
    let out = verify(
        &[
            &path("verify-request.http"),
            "--nonce",
            "other",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(status(&out.one(), "signature"), "fail");
}

#[test]
fn capture_record_stream_gives_one_result_per_record() {
    let out = verify(
        &[
            &path("verify-captures.ndjson"),
            "--verification-token",
            TOKEN,
            "-o",
            "json",
        ],
        None,
    );
    let results = out.json();
    assert_eq!(results.len(), 4, "{}", out.stdout);
    let ok: Vec<bool> = results.iter().map(|r| r["ok"] == true).collect();
    // good, good encrypted, forged, challenge
    assert_eq!(ok, [true, true, false, true]);
    assert_eq!(status(&results[1], "token"), "pass", "decrypted token");
    assert_eq!(results[2]["diagnosis"]["cause"], Value::Null);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = results
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert!(lines[3].ends_with("verify-captures.ndjson:4"), "{lines:?}");
}

#[test]
fn url_verification_is_unsigned_and_shows_the_response() {
    let out = verify(
        &[
            &path("verify-challenge.json"),
            "--verification-token",
            TOKEN,
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains(r#"HTTP 200 and the body {"challenge":"ajls384kdjx98XX"}"#),
        "{}",
        out.stdout
    );
    let r = verify(
        &[
            &path("verify-challenge.json"),
            "-o",
            "json",
            "--verification-token",
            TOKEN,
        ],
        None,
    )
    .one();
    assert_eq!(status(&r, "signature"), "skip");
    assert_eq!(status(&r, "token"), "pass");
    assert_eq!(status(&r, "url_verification"), "pass");
    assert!(
        check(&r, "url_verification")["detail"]
            .as_str()
            .unwrap()
            .ends_with(r#"the body {"challenge":"ajls384kdjx98XX"}"#)
    );
    // The token is checked: a wrong one fails.
    let out = verify(
        &[
            &path("verify-challenge.json"),
            "-o",
            "json",
            "--verification-token",
            "wrong",
        ],
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(status(&out.one(), "token"), "fail");
}

#[test]
fn url_verification_does_not_need_the_key() {
    let out = bin()
        .args(["verify", "-o", "json"])
        .arg(testdata("verify-challenge.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

// ---- the diagnosis names each cause when it is the cause ----

const CAUSES: &[&str] = &[
    "trailing_newline_added",
    "trailing_newline_removed",
    "line_endings_changed",
    "body_reserialized",
    "plaintext_signed",
    "verification_token_as_key",
    "key_whitespace",
    "timestamp_nonce_swapped",
    "hmac_instead_of_hash",
    "card_callback_sha1",
    "uppercase_hex",
];

#[test]
fn every_cause_is_named_when_it_is_the_cause() {
    for &cause in CAUSES {
        let file = path(&format!("verify-cause-{cause}.ndjson"));
        let out = verify(&[&file, "--verification-token", TOKEN, "-o", "json"], None);
        assert_eq!(out.code, 1, "{cause}: {}{}", out.stdout, out.stderr);
        let r = out.one();
        assert_eq!(r["ok"], false);
        assert_eq!(status(&r, "signature"), "fail", "{cause}");
        assert_eq!(r["diagnosis"]["cause"], cause, "{cause}: {r}");
        let message = r["diagnosis"]["message"].as_str().unwrap();
        assert!(
            message.len() > 40,
            "{cause}: a sentence to act on: {message}"
        );
        // The table names it too.
        let table = verify(&[&file, "--verification-token", TOKEN], None);
        assert!(
            table.stdout.contains(&format!("diagnosis {cause}: ")),
            "{cause}: {}",
            table.stdout
        );
    }
}

#[test]
fn a_python_signer_hashing_json_dumps_is_body_reserialized() {
    let out = verify(
        &[
            &path("verify-cause-body_reserialized-python.ndjson"),
            "-o",
            "json",
        ],
        None,
    );
    let r = out.one();
    assert_eq!(r["diagnosis"]["cause"], "body_reserialized");
    assert!(
        r["diagnosis"]["message"]
            .as_str()
            .unwrap()
            .contains("Python json.dumps"),
        "{r}"
    );
}

#[test]
fn trailing_newline_in_a_body_file_is_named() {
    // The file ends with a newline; the platform signed the body without it.
    let body = read("verify-body.json");
    let signed = body
        .strip_suffix(b"\n")
        .expect("fixture ends with a newline");
    let out = verify(
        &[
            &path("verify-body.json"),
            "--timestamp",
            TS,
            "--nonce",
            NONCE,
            "--signature",
            &sign(signed),
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 1);
    let r = out.one();
    assert_eq!(r["diagnosis"]["cause"], "trailing_newline_added");
    assert!(
        r["diagnosis"]["message"]
            .as_str()
            .unwrap()
            .contains("newline the signed body did not have")
    );
}

#[test]
fn no_match_shows_both_signatures_length_and_sha256_never_the_key() {
    let out = verify(&[&path("verify-cause-none.ndjson"), "-o", "json"], None);
    assert_eq!(out.code, 1);
    let r = out.one();
    assert_eq!(r["diagnosis"]["cause"], Value::Null);
    // The fixture's body is the compact event (verify-body.json without its newline).
    let body = read("verify-body.json");
    let body = body.strip_suffix(b"\n").unwrap();
    let expected = sign(body);
    let received = r["received_signature"].as_str().unwrap().to_string();
    assert_eq!(r["expected_signature"], expected.as_str());
    let message = r["diagnosis"]["message"].as_str().unwrap();
    assert!(message.contains(&expected), "{message}");
    assert!(message.contains(&received), "{message}");
    assert!(
        message.contains(&format!(
            "body ({} bytes, SHA-256 {})",
            body.len(),
            sha256_hex(&[body])
        )),
        "{message}"
    );
    assert!(
        message.contains(
            "Not tried without a verification token: verification_token_as_key, card_callback_sha1"
        ),
        "{message}"
    );
    let table = verify(&[&path("verify-cause-none.ndjson")], None);
    assert!(table.stdout.contains(&format!("expected  {expected}")));
    assert!(table.stdout.contains(&format!("received  {received}")));
    assert!(
        table
            .stdout
            .contains("diagnosis no known cause reproduces the received signature")
    );
}

#[test]
fn secrets_never_appear_even_when_they_are_the_cause() {
    // verify() asserts it for every run; these are the runs most tempted to.
    for cause in [
        "verification_token_as_key",
        "key_whitespace",
        "card_callback_sha1",
    ] {
        let file = path(&format!("verify-cause-{cause}.ndjson"));
        verify(&[&file, "--verification-token", TOKEN], None);
        verify(&[&file, "--verification-token", TOKEN, "-o", "json"], None);
    }
    let out = verify(&["--help"], None);
    assert_eq!(out.code, 0);
}

// ---- failures that are not crashes ----

#[test]
fn missing_headers_fail_the_signature_check_clearly() {
    let out = verify(
        &[&path("verify-body.json"), "--timestamp", TS, "-o", "json"],
        None,
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let r = out.one();
    let detail = check(&r, "signature")["detail"].as_str().unwrap();
    assert_eq!(status(&r, "signature"), "fail");
    assert!(
        detail.contains("X-Lark-Request-Nonce, X-Lark-Signature are missing"),
        "{detail}"
    );
    assert_eq!(r["received_signature"], Value::Null);
    assert_eq!(r["diagnosis"], Value::Null);
    // No headers at all, as a table.
    let out = verify(&[&path("verify-body.json")], None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("FAILED: signature"));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn timestamp_age_is_reported_and_checked_with_max_age() {
    let args = |extra: &[&str]| {
        let mut a = vec![path("verify-request.http"), "-o".into(), "json".into()];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        verify(&a.iter().map(String::as_str).collect::<Vec<_>>(), None)
    };
    let out = run(&["--now", "1700000100"]);
    let r = out.one();
    assert_eq!(status(&r, "timestamp"), "skip");
    assert!(
        check(&r, "timestamp")["detail"]
            .as_str()
            .unwrap()
            .contains("100 s ago")
    );
    assert_eq!(out.code, 0);
    let out = run(&["--now", "1700000100", "--max-age", "300"]);
    assert_eq!(status(&out.one(), "timestamp"), "pass");
    assert_eq!(out.code, 0);
    let out = run(&["--now", "1700000400", "--max-age", "300"]);
    assert_eq!(status(&out.one(), "timestamp"), "fail");
    assert_eq!(out.code, 1);
}

#[test]
fn no_key_is_an_error_with_a_hint() {
    let out = bin()
        .args(["verify"])
        .arg(testdata("verify-request.http"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("lark-ticket: error: "), "{stderr}");
    assert!(stderr.contains("no Encrypt Key"), "{stderr}");
    assert!(
        stderr.contains("lark-ticket: hint: set LARK_ENCRYPT_KEY"),
        "{stderr}"
    );
}

#[test]
fn a_wrong_key_still_checks_and_diagnoses_the_signature() {
    // The encrypted record does not decrypt with another key, and its
    // signature fails with it: the request is not authentic (1), and the
    // decryption error is in the detail.
    let out = bin()
        .env("LARK_ENCRYPT_KEY", "some-other-key")
        .args(["verify", "-o", "json"])
        .arg(testdata("verify-cause-plaintext_signed.ndjson"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let r: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(status(&r, "signature"), "fail");
    assert_eq!(status(&r, "token"), "skip");
    assert!(
        detail(&r, "token").contains("did not decrypt: decrypted bytes are not PKCS#7 padded"),
        "{r}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("verify-cause-plaintext_signed.ndjson:1"),
        "{stderr}"
    );
}

#[test]
fn bad_input_is_an_error_not_a_crash() {
    for (stdin, expect) in [
        (&b"not json"[..], "body is not JSON"),
        (b"", "body is empty"),
        (b"{}\n{}\n", "more than one JSON document"),
        (
            b"POST /e HTTP/1.1\nContent-Length: 99\n\n{}",
            "truncated HTTP capture",
        ),
    ] {
        let out = verify(&["--signature", "x"], Some(stdin));
        assert_eq!(out.code, 2, "{expect}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(expect), "{expect}: {}", out.stderr);
    }
    let out = verify(&["-H", "no colon here"], Some(b"{}"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("-H expects 'Name: value'"),
        "{}",
        out.stderr
    );
    let out = verify(&["/nonexistent/body.json"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no such file"), "{}", out.stderr);
}

// ---- agreement with the official Python SDK ----

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

#[test]
fn a_tampered_encrypted_request_is_a_negative_answer() {
    // A genuine signed request, then one base64 character of its body changed.
    let signed = bin()
        .args(["sign", "-o", "json", "--encrypt", "--encrypt-key", KEY])
        .args(["--iv", "000102030405060708090a0b0c0d0e0f"])
        .arg(testdata("ticket-updated.compact.json"))
        .output()
        .unwrap();
    assert!(signed.status.success());
    let mut capture: Value = serde_json::from_slice(&signed.stdout).unwrap();
    let body = capture["body"].as_str().unwrap().to_string();
    // In the last block: the padding no longer checks out.
    let at = body.rfind("\"}").unwrap() - 6;
    let mut bytes = body.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    capture["body"] = Value::String(String::from_utf8(bytes).unwrap());
    let out = bin()
        .args(["verify", "-o", "json", "--encrypt-key", KEY, "-"])
        .write_stdin(capture.to_string())
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status(&r, "signature"), "fail", "{r}");
    assert!(detail(&r, "token").contains("did not decrypt"), "{r}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("lark-ticket: warning: -:1: "),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
}
