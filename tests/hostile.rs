//! The hostile-input catalogue: everything this tool reads is untrusted.
//! Each entry exits cleanly with a clear message naming the record (exit 2),
//! or with a warning where the input only deviates from the schema; none
//! panics, hangs, loses a good record or prints a secret.

mod common;

use std::process::Output;

use common::*;

const GOOD: &str = "{\"type\":\"url_verification\",\"challenge\":\"c\",\"token\":\"t\"}";

fn run(args: &[&str], stdin: impl Into<Vec<u8>>) -> Output {
    bin()
        .args(args)
        .write_stdin(stdin.into())
        .output()
        .expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2, every stderr line prefixed, no panic, and each expected text
/// in stderr.
fn fails_cleanly(o: &Output, expected: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.lines().all(|l| l.starts_with("lark-ticket: ")),
        "unprefixed stderr:\n{err}"
    );
    for text in expected {
        assert!(err.contains(text), "missing {text:?} in\n{err}");
    }
}

#[test]
fn encrypt_that_is_not_a_string() {
    let input = "{\"encrypt\":5}\n{\"encrypt\":null}\n{\"encrypt\":{\"a\":1}}\n";
    for cmd in ["decrypt", "parse"] {
        let o = run(&[cmd, "--encrypt-key", KEY, "-o", "json"], input);
        assert!(o.stdout.is_empty(), "{cmd} printed a broken record");
        fails_cleanly(
            &o,
            &[
                "-:1: \"encrypt\" is a number, not a base64 string",
                "-:2: \"encrypt\" is null",
                "-:3: \"encrypt\" is an object",
            ],
        );
    }
}

#[test]
fn duplicate_headers() {
    // Conflicting Content-Length: the body cannot be delimited.
    let conflicting = "POST /e HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}";
    fails_cleanly(
        &run(&["parse"], conflicting),
        &["-:1: HTTP capture: conflicting Content-Length headers"],
    );
    // Repeated but equal: fine.
    let repeated = format!(
        "POST /e HTTP/1.1\r\nContent-Length: {n}\r\nContent-Length: {n}\r\n\r\n{GOOD}",
        n = GOOD.len()
    );
    let o = run(&["parse", "-o", "json"], repeated);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Two signatures: verify checks the first, as the SDKs do, and warns.
    let body = "{\"schema\":\"2.0\",\"header\":{\"event_type\":\"x\"},\"event\":{}}";
    let good = lark_ticket::crypto::signature(
        "1700000000",
        "n",
        &lark_ticket::secret::Secret::new(KEY),
        body.as_bytes(),
    );
    for (first, second, code) in [(good.as_str(), "0", 0), ("0", good.as_str(), 1)] {
        let capture = format!(
            "POST /e HTTP/1.1\nX-Lark-Request-Timestamp: 1700000000\nX-Lark-Request-Nonce: n\n\
             X-Lark-Signature: {first}\nx-lark-signature: {second}\nContent-Length: {}\n\n{body}",
            body.len()
        );
        let o = run(&["verify", "--encrypt-key", KEY, "-o", "json"], capture);
        assert_eq!(o.status.code(), Some(code), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(
                "lark-ticket: warning: -:1: X-Lark-Signature appears more than once with \
                 different values; checking the first"
            ),
            "{}",
            stderr(&o)
        );
    }
}
