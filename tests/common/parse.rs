//! `parse`'s run shared by `tests/parse.rs` and `tests/parse_records.rs`:
//! the binary's `parse -o json --utc`, its lines as JSON.

use serde_json::Value;

use super::{bin, json_lines, stderr};

pub fn parse_json(args: &[&str]) -> (Vec<Value>, String, Option<i32>) {
    let out = bin()
        .args(["parse", "-o", "json", "--utc"])
        .args(args)
        .output()
        .unwrap();
    (json_lines(&out), stderr(&out), out.status.code())
}
