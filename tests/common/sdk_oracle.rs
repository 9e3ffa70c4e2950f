//! The official SDKs' decryption as oracles, shared by `tests/sdk_oracle.rs`
//! and `tests/sdk_oracle_random.rs`: each SDK's AESCipher run over a batch
//! of `(key, encrypt)` cases, per case the plaintext, or `None` where the
//! SDK raised.

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::NodeSdk;

/// Runs the Python SDK's AESCipher over `[{"key","encrypt"}]` cases and
/// prints, per case, the plaintext as base64, or null when the SDK raised.
const PYTHON_ORACLE: &str = r#"
import base64, json, sys
from lark_oapi.core.utils.decryptor import AESCipher
out = []
for case in json.load(sys.stdin):
    try:
        pt = AESCipher(case["key"]).decrypt(base64.b64decode(case["encrypt"]))
        out.append(base64.b64encode(pt).decode())
    except Exception:
        out.append(None)
json.dump(out, sys.stdout)
"#;

/// The same with the Node SDK's AESCipher, whose `decrypt` takes the base64
/// string and returns the plaintext decoded as UTF-8 (sent back as base64).
const NODE_ORACLE: &str = r#"
const { AESCipher } = require('@larksuiteoapi/node-sdk');
const out = JSON.parse(require('fs').readFileSync(0, 'utf8')).map(({ key, encrypt }) => {
  try {
    return Buffer.from(new AESCipher(key).decrypt(encrypt), 'utf8').toString('base64');
  } catch (e) {
    return null;
  }
});
process.stdout.write(JSON.stringify(out));
"#;

/// Feeds the cases to an oracle process; per case, its plaintext or `None`.
fn run_oracle(mut oracle: Command, cases: &[(String, String)]) -> Vec<Option<Vec<u8>>> {
    let cases: Vec<Value> = cases
        .iter()
        .map(|(key, encrypt)| json!({"key": key, "encrypt": encrypt}))
        .collect();
    let mut child = oracle
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the oracle runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&serde_json::to_vec(&cases).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "oracle failed");
    let results: Vec<Option<String>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    results
        .into_iter()
        .map(|r| r.map(|b| STANDARD.decode(b).unwrap()))
        .collect()
}

pub fn python_decrypt(
    python: &std::path::Path,
    cases: &[(String, String)],
) -> Vec<Option<Vec<u8>>> {
    let mut oracle = Command::new(python);
    oracle.args(["-c", PYTHON_ORACLE]);
    run_oracle(oracle, cases)
}

pub fn node_decrypt(sdk: &NodeSdk, cases: &[(String, String)]) -> Vec<Option<Vec<u8>>> {
    let mut oracle = sdk.node();
    oracle.args(["-e", NODE_ORACLE]);
    run_oracle(oracle, cases)
}
