//! `parse`'s run shared by `tests/parse.rs` and `tests/parse_records.rs`:
//! the binary's `parse -o json --utc`, its lines as JSON.

use serde_json::Value;

use super::bin;

pub fn parse_json(args: &[&str]) -> (Vec<Value>, String, Option<i32>) {
    let out = bin()
        .args(["parse", "-o", "json", "--utc"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let values = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    (
        values,
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}
