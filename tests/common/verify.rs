//! `verify`'s runs and checks shared by `tests/verify.rs`,
//! `tests/verify_diagnosis.rs`, `tests/verify_failures.rs` and
//! `tests/verify_sdk.rs`: the fixtures' timestamp and nonce, a signature
//! computed here, the binary's `verify` with its output (asserted free of
//! secrets), and a result's checks.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{KEY, TOKEN, bin, testdata};

pub const TS: &str = "1700000000";
pub const NONCE: &str = "6c1d2f0a9b8e7d4c";

/// Lowercase hex SHA-256 of the concatenation, computed here, not by the
/// code under test.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sign(body: &[u8]) -> String {
    sha256_hex(&[TS.as_bytes(), NONCE.as_bytes(), KEY.as_bytes(), body])
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    pub fn one(&self) -> Value {
        let all = self.json();
        assert_eq!(all.len(), 1, "{}", self.stdout);
        all.into_iter().next().unwrap()
    }

    /// Neither secret appears anywhere the user can see.
    pub fn assert_no_secrets(&self) {
        for secret in [KEY, TOKEN] {
            assert!(!self.stdout.contains(secret), "secret in stdout");
            assert!(!self.stderr.contains(secret), "secret in stderr");
        }
    }
}

pub fn verify(args: &[&str], stdin: Option<&[u8]>) -> Out {
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

pub fn check<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no {name} check in {result}"))
}

pub fn status<'a>(result: &'a Value, name: &str) -> &'a str {
    check(result, name)["status"].as_str().unwrap_or_default()
}

pub fn detail<'a>(result: &'a Value, name: &str) -> &'a str {
    check(result, name)["detail"].as_str().unwrap_or_default()
}

pub fn path(name: &str) -> String {
    testdata(name).to_string_lossy().into_owned()
}
