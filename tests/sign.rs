//! `sign`: headers for test requests, and round trips through `verify` and
//! `decrypt`.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

const TS: &str = "1700000000";
const NONCE: &str = "n-0123";
const IV: &str = "000102030405060708090a0b0c0d0e0f";

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs the binary with the key in the environment; asserts no secret leaks
/// (the token only on stderr: the bodies `sign` and `decrypt` print carry it
/// as `header.token`, which is the user's data, not a leak).
fn run(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let out = bin()
        .env("LARK_ENCRYPT_KEY", KEY)
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("runs");
    let stdout = out.stdout;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!String::from_utf8_lossy(&stdout).contains(KEY));
    assert!(!stderr.contains(KEY));
    assert!(!stderr.contains(TOKEN));
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn sign_json(args: &[&str], stdin: &[u8]) -> Value {
    let mut all = vec!["sign", "-o", "json"];
    all.extend(args);
    let (code, stdout, stderr) = run(&all, stdin);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_slice(&stdout).expect("one JSON object")
}

fn header<'a>(signed: &'a Value, name: &str) -> &'a str {
    signed["headers"][name].as_str().unwrap_or_default()
}

#[test]
fn signs_the_exact_bytes() {
    let body = read("ticket-updated.json");
    let signed = sign_json(&["--timestamp", TS, "--nonce", NONCE], &body);
    assert_eq!(header(&signed, "X-Lark-Request-Timestamp"), TS);
    assert_eq!(header(&signed, "X-Lark-Request-Nonce"), NONCE);
    assert_eq!(
        header(&signed, "X-Lark-Signature"),
        sha256_hex(&[TS.as_bytes(), NONCE.as_bytes(), KEY.as_bytes(), &body])
    );
    assert_eq!(signed["body"].as_str().unwrap().as_bytes(), body);
}

#[test]
fn curl_lines() {
    let (code, stdout, _) = run(
        &["sign", "--timestamp", TS, "--nonce", "it's"],
        b"{\"a\":1}",
    );
    assert_eq!(code, 0);
    let sig = sha256_hex(&[TS.as_bytes(), b"it's", KEY.as_bytes(), b"{\"a\":1}"]);
    assert_eq!(
        String::from_utf8(stdout).unwrap(),
        format!(
            "-H 'X-Lark-Request-Timestamp: {TS}'\n\
             -H 'X-Lark-Request-Nonce: it'\\''s'\n\
             -H 'X-Lark-Signature: {sig}'\n"
        )
    );
}

#[test]
fn defaults_are_now_and_a_random_nonce() {
    let a = sign_json(&[], b"{}");
    let b = sign_json(&[], b"{}");
    assert_ne!(
        header(&a, "X-Lark-Request-Nonce"),
        header(&b, "X-Lark-Request-Nonce")
    );
    let ts: i64 = header(&a, "X-Lark-Request-Timestamp").parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - ts).abs() < 60, "{ts} vs {now}");
}

// ---- sign, then verify passes ----

fn verify_ok(args: &[&str], stdin: &[u8]) {
    let mut all = vec!["verify", "-o", "json", "--verification-token", TOKEN];
    all.extend(args);
    let (code, stdout, stderr) = run(&all, stdin);
    let text = String::from_utf8_lossy(&stdout);
    assert_eq!(code, 0, "{text}{stderr}");
    for line in text.lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(r["checks"][0]["status"], "pass", "{r}");
    }
}

#[test]
fn sign_then_verify_a_body_file_with_flags() {
    let file = testdata("ticket-updated.json");
    let file = file.to_str().unwrap();
    let signed = sign_json(&[file], b"");
    verify_ok(
        &[
            file,
            "--timestamp",
            header(&signed, "X-Lark-Request-Timestamp"),
            "--nonce",
            header(&signed, "X-Lark-Request-Nonce"),
            "--signature",
            header(&signed, "X-Lark-Signature"),
        ],
        b"",
    );
}

#[test]
fn sign_then_verify_with_the_curl_header_lines() {
    let file = testdata("ticket-updated.json");
    let file = file.to_str().unwrap();
    let (_, stdout, _) = run(&["sign", file], b"");
    let mut args = vec![file.to_string()];
    for line in String::from_utf8(stdout).unwrap().lines() {
        let value = line
            .strip_prefix("-H '")
            .and_then(|l| l.strip_suffix('\''))
            .unwrap_or_else(|| panic!("not a -H line: {line}"));
        args.push("-H".into());
        args.push(value.to_string());
    }
    verify_ok(&args.iter().map(String::as_str).collect::<Vec<_>>(), b"");
}

#[test]
fn sign_then_verify_an_assembled_http_capture() {
    for encrypt in [false, true] {
        let body = read("ticket-updated.json");
        let mut args = vec!["--timestamp", TS, "--nonce", NONCE];
        if encrypt {
            args.push("--encrypt");
        }
        let signed = sign_json(&args, &body);
        let sent = signed["body"].as_str().unwrap();
        let mut capture = format!(
            "POST /webhook/event HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n",
            sent.len()
        );
        for (name, value) in signed["headers"].as_object().unwrap() {
            capture.push_str(&format!("{name}: {}\r\n", value.as_str().unwrap()));
        }
        capture.push_str("\r\n");
        capture.push_str(sent);
        verify_ok(&[], capture.as_bytes());
    }
}

#[test]
fn sign_json_is_a_capture_record_verify_reads() {
    let body = read("ticket-updated.json");
    let plain = sign_json(&[], &body);
    let encrypted = sign_json(&["--encrypt"], &body);
    let stream = format!("{plain}\n{encrypted}\n");
    verify_ok(&[], stream.as_bytes());
}

// ---- sign --encrypt, then decrypt returns the input ----

#[test]
fn encrypt_then_decrypt_returns_the_input_exactly() {
    for body in [
        read("ticket-updated.json"),
        "{\"name\":\"张三\"}\n".as_bytes().to_vec(),
        b"{\"padding\":\"exactly sixteen\"}".to_vec(),
    ] {
        let signed = sign_json(
            &["--encrypt", "--iv", IV, "--timestamp", TS, "--nonce", NONCE],
            &body,
        );
        let sent = signed["body"].as_str().unwrap();
        assert!(sent.starts_with("{\"encrypt\":\""), "{sent}");
        assert_eq!(
            header(&signed, "X-Lark-Signature"),
            sha256_hex(&[
                TS.as_bytes(),
                NONCE.as_bytes(),
                KEY.as_bytes(),
                sent.as_bytes()
            ]),
            "the signature covers the wrapper"
        );
        let (code, plaintext, stderr) = run(&["decrypt"], sent.as_bytes());
        assert_eq!(code, 0, "{stderr}");
        // decrypt prints the plaintext then one newline.
        assert_eq!(plaintext.strip_suffix(b"\n").unwrap(), body.as_slice());
    }
}

#[test]
fn the_iv_makes_output_reproducible() {
    let args = ["--encrypt", "--iv", IV, "--timestamp", TS, "--nonce", NONCE];
    assert_eq!(sign_json(&args, b"{}"), sign_json(&args, b"{}"));
    assert_ne!(
        sign_json(&["--encrypt"], b"{}")["body"],
        sign_json(&["--encrypt"], b"{}")["body"]
    );
    // The table form prints the body too, quoted for the shell.
    let (_, stdout, _) = run(&["sign"].into_iter().chain(args).collect::<Vec<_>>(), b"{}");
    let text = String::from_utf8(stdout).unwrap();
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.contains("--data-binary '{\"encrypt\":\""), "{text}");
}

#[test]
fn the_sdk_decrypts_what_sign_encrypts() {
    let Some(python) = sdk_python() else {
        return;
    };
    let body = "{\"schema\":\"2.0\",\"name\":\"张三\"}";
    let signed = sign_json(&["--encrypt"], body.as_bytes());
    let encrypted: Value = serde_json::from_str(signed["body"].as_str().unwrap()).unwrap();
    let out = Command::new(python)
        .args([
            "-c",
            "import sys\nfrom lark_oapi.core.utils.decryptor import AESCipher\n\
             sys.stdout.write(AESCipher(sys.argv[1]).decrypt_str(sys.argv[2]))",
            KEY,
            encrypted["encrypt"].as_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), body);
}

#[test]
fn warns_when_the_node_sdk_would_reject_the_signature() {
    let (code, _, stderr) = run(&["sign"], b"{\"a\": 1}");
    assert_eq!(code, 0);
    assert!(
        stderr.starts_with("lark-ticket: warning: -: the body is not compact JSON"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["sign"], b"{\"a\":1}");
    assert_eq!(code, 0);
    assert!(stderr.is_empty(), "{stderr}");
}

// ---- errors ----

#[test]
fn errors() {
    let no_key = bin().args(["sign"]).write_stdin("{}").output().unwrap();
    assert_eq!(no_key.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&no_key.stderr);
    assert!(
        stderr.starts_with("lark-ticket: error: sign needs the Encrypt Key"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["sign", "--encrypt", "--iv", "abc"], b"{}");
    assert_eq!(code, 2);
    assert!(stderr.contains("--iv must be 32 hex digits"), "{stderr}");

    let (code, _, stderr) = run(&["sign", "--iv", IV], b"{}");
    assert_eq!(code, 2, "--iv requires --encrypt: {stderr}");

    let (code, _, stderr) = run(&["sign", "/nonexistent"], b"");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("lark-ticket: error: /nonexistent: no such file"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["sign", "--max-record-size", "4"], b"{\"a\":1}");
    assert_eq!(code, 2);
    assert!(stderr.contains("exceeds the 4 byte bound"), "{stderr}");
}
