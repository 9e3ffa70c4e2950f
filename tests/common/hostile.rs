//! The hostile catalogue's helpers (`tests/hostile*.rs`): a good record to
//! put after bad ones, a run with the input on stdin or in a file, and the
//! check that a run failed cleanly.

use std::process::Output;

use super::{bin, stderr};

/// A good record: put after bad ones, it must still be read.
pub const GOOD: &str = "{\"type\":\"url_verification\",\"challenge\":\"c\",\"token\":\"t\"}";

/// Runs the binary with `args`, `stdin` on its standard input.
pub fn run(args: &[&str], stdin: impl Into<Vec<u8>>) -> Output {
    bin()
        .args(args)
        .write_stdin(stdin.into())
        .output()
        .expect("runs")
}

/// `cmd` with `-o json` when it has that option (`decrypt` prints
/// plaintext and has none), then `rest`.
pub fn json_args<'a>(cmd: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![cmd];
    if cmd != "decrypt" {
        args.extend(["-o", "json"]);
    }
    args.extend(rest);
    args
}

/// Exit 2, every stderr line prefixed, no panic, and each expected text
/// in stderr.
pub fn fails_cleanly(o: &Output, expected: &[&str]) {
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

/// Runs with the input in a temporary file (for inputs too big for a pipe
/// buffer to be convenient, and for file-only cases).
pub fn run_file(args: &[&str], content: &[u8]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("input");
    std::fs::write(&path, content).expect("write");
    bin().args(args).arg(&path).output().expect("runs")
}
