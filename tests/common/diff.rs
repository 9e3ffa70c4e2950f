//! `diff`'s runs and values shared by `tests/diff*.rs`: the binary's `diff`
//! with arguments (and stdin), a coded value with its label, and a stream
//! encrypted line by line.

use std::process::Output;

use lark_ticket::crypto;
use lark_ticket::secret::Secret;
use serde_json::{Value, json};

use super::{KEY, bin};

/// `diff` with these arguments.
pub fn run(args: &[&str]) -> Output {
    bin().arg("diff").args(args).output().expect("runs")
}

/// `diff` with these arguments, and `stdin` on its standard input.
pub fn run_stdin(args: &[&str], stdin: Vec<u8>) -> Output {
    bin()
        .arg("diff")
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("runs")
}

/// A coded value as `-o json` writes it: the number and its label.
pub fn coded(value: i64, label: &str) -> Value {
    json!({"value": value, "label": label})
}

/// Each line of an NDJSON stream wrapped into `{"encrypt":...}` with the test key.
pub fn encrypt_lines(plain: &[u8]) -> Vec<u8> {
    let key = Secret::new(KEY);
    let mut out = Vec::new();
    for line in plain.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let encrypted = crypto::encrypt(&key, line, Some([7; 16])).unwrap();
        out.extend_from_slice(json!({ "encrypt": encrypted }).to_string().as_bytes());
        out.push(b'\n');
    }
    out
}
