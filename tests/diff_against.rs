//! `diff --against` through the real binary: the golden comparison over the
//! hand-built `testdata/diff-golden-*` files; each difference, the paths
//! ignored, either side encrypted, several records paired in order, and
//! the errors.

mod common;

use common::diff::{run, run_stdin};
use common::*;
use serde_json::{Value, json};

const EXPECTED: &str = "testdata/diff-golden-expected.json";
const ACTUAL: &str = "testdata/diff-golden-actual.json";
const REDELIVERY: &str = "testdata/diff-golden-redelivery.enc.json";

#[test]
fn against_reports_each_difference_and_exits_1() {
    let o = run(&["-o", "json", "--against", EXPECTED, ACTUAL]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    // header.event_id, create_time and token differ too, and are ignored.
    assert_eq!(
        json_lines(&o),
        [
            json!({"path": "event.object.status", "expected": 50, "actual": 1}),
            json!({"path": "event.object.updated_at", "expected": 1_700_000_600_000_i64, "actual": 1_700_000_660_000_i64}),
            json!({"path": "event.object.score", "expected": 3, "actual": null}),
        ]
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn against_table_labels_enums() {
    let o = run(&["--against", EXPECTED, ACTUAL]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("closed by bot (50)") && out.contains("created (1)"));
    insta::assert_snapshot!(out);
}

#[test]
fn against_itself_is_equal() {
    let o = run(&["-o", "json", "--against", EXPECTED, EXPECTED]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "");
}

#[test]
fn against_decrypts_either_side() {
    // A redelivery: the same event, other header, encrypted.
    for (expected, actual) in [(EXPECTED, REDELIVERY), (REDELIVERY, EXPECTED)] {
        let o = bin()
            .args(["diff", "--against", expected, actual])
            .env("LARK_ENCRYPT_KEY", KEY)
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{expected} {actual}: {}", stderr(&o));
        assert_eq!(
            stdout(&o),
            "no differences (1 record on each side); ignored 2 differences under \
             header.event_id, header.create_time, header.token\n"
        );
    }
}

#[test]
fn against_without_default_ignores_sees_the_header() {
    let o = run(&[
        "-o",
        "json",
        "--encrypt-key",
        KEY,
        "--no-default-ignores",
        "--against",
        EXPECTED,
        REDELIVERY,
    ]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        json_lines(&o),
        [
            json!({"path": "header.event_id", "expected": "golden-expected", "actual": "golden-redelivery"}),
            json!({"path": "header.create_time", "expected": "1700000600200", "actual": "1700000615000"}),
        ]
    );
}

#[test]
fn against_ignore_paths_add_to_the_defaults() {
    let o = run(&[
        "-o",
        "json",
        "--against",
        EXPECTED,
        "--ignore",
        "event.object.status",
        "--ignore",
        ".event.object.updated_at",
        ACTUAL,
    ]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        json_lines(&o),
        [json!({"path": "event.object.score", "expected": 3, "actual": null})]
    );
    let o = run(&["--against", EXPECTED, "--ignore", "event.object", ACTUAL]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "no differences (1 record on each side); ignored 4 differences under \
         header.event_id, header.create_time, header.token, event.object\n"
    );
}

#[test]
fn against_several_records_pair_in_order_and_count() {
    let o = run(&[
        "-o",
        "json",
        "--against",
        "testdata/diff-golden-stream-expected.ndjson",
        "testdata/diff-golden-stream-actual.ndjson",
    ]);
    assert_eq!(code(&o), 1);
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        json!({"path": "[1].event.object.status", "expected": 2, "actual": 4})
    );
    // The extra record is a difference of its own.
    assert_eq!(lines[1]["path"], "[2]");
    assert_eq!(lines[1]["expected"], Value::Null);
    assert_eq!(lines[1]["actual"]["header"]["event_id"], "u3-7001");
}

#[test]
fn against_errors_exit_2() {
    // Encrypted without a key: reported, nothing compared.
    let o = run(&["--against", EXPECTED, REDELIVERY]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(
        "lark-ticket: error: testdata/diff-golden-redelivery.enc.json:1: record is encrypted"
    ));
    assert!(stdout(&o).contains("0 compared"), "{}", stdout(&o));

    // A bad record keeps its place; the error outranks the difference.
    let o = run(&[
        "-o",
        "json",
        "--against",
        "testdata/diff-bad.ndjson",
        "testdata/diff-golden-stream-expected.ndjson",
    ]);
    assert_eq!(code(&o), 2);
    assert_eq!(json_lines(&o).len(), 1);
    assert!(stderr(&o).contains("testdata/diff-bad.ndjson:2"));

    let o = run(&["--against", EXPECTED, "--ignore", "a[x]", ACTUAL]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).starts_with("lark-ticket: error: --ignore: invalid path \"a[x]\""));

    let o = run_stdin(&["--against", "-"], read("diff-golden-actual.json"));
    assert_eq!(code(&o), 2);

    let o = run(&["--against", "testdata/does-not-exist.json", ACTUAL]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("testdata/does-not-exist.json"));

    // --ignore without --against is a usage error.
    let o = run(&["--ignore", "header", ACTUAL]);
    assert_eq!(code(&o), 2);
}

#[test]
fn against_reads_actual_from_stdin() {
    let o = run_stdin(&["--against", EXPECTED], read("diff-golden-actual.json"));
    assert_eq!(code(&o), 1);
}
