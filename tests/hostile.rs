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
