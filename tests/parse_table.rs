//! `parse`'s tables: the documentation example and the other event kinds
//! (snapshots), a narrow terminal, colour, warnings and the summary line,
//! and `--lang zh`.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn table_of_the_documentation_example() {
    let out = bin()
        .args(["parse", "--utc", "testdata/ticket-updated.json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("doc_example_table", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn table_of_other_event_kinds() {
    let out = bin()
        .args([
            "parse",
            "--utc",
            "--encrypt-key",
            KEY,
            "testdata/stream.ndjson",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("stream_table", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn narrow_terminal_stacks_the_tables() {
    let wide = bin()
        .args(["parse", "--utc", "testdata/ticket-updated.json"])
        .output()
        .unwrap();
    let narrow = bin()
        .args(["parse", "--utc", "testdata/ticket-updated.json"])
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    let widest = |o: &[u8]| {
        String::from_utf8_lossy(o)
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap()
    };
    assert!(widest(&wide.stdout) > 80);
    assert!(
        widest(&narrow.stdout) <= 80,
        "{}",
        String::from_utf8_lossy(&narrow.stdout)
    );
}

#[test]
fn colour_only_when_asked_and_never_in_json() {
    let plain = bin()
        .args(["parse", "testdata/ticket-updated.json"])
        .output()
        .unwrap();
    assert!(!plain.stdout.contains(&0x1b), "colour in a pipe");
    let forced = bin()
        .args(["parse", "--color", "always", "testdata/ticket-updated.json"])
        .output()
        .unwrap();
    assert!(
        forced.stdout.contains(&0x1b),
        "--color always gave no colour"
    );
    let json = bin()
        .args([
            "parse",
            "-o",
            "json",
            "--color",
            "always",
            "testdata/ticket-updated.json",
        ])
        .output()
        .unwrap();
    assert!(!json.stdout.contains(&0x1b), "colour in JSON");
}

#[test]
fn warnings_go_to_stderr_in_table_mode() {
    bin()
        .args(["parse", "testdata/deviations.json"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "lark-ticket: warning: testdata/deviations.json:1: event.object.status: unknown status value 99",
        ))
        .stdout(predicate::str::contains("unknown (99)"));
}

#[test]
fn summary_line_after_a_multi_record_run() {
    bin()
        .args(["parse", "--encrypt-key", KEY, "testdata/bad-records.ndjson"])
        .assert()
        .code(2)
        .stdout(predicate::str::ends_with(
            "10 records (10 helpdesk.ticket.updated_v1), 9 bad records\n",
        ));
}

/// `--lang zh` translates the tables' own words too, not only the labels;
/// field names and JSON stay as they are.
#[test]
fn lang_zh_translates_the_tables_words() {
    let table = |args: &[&str]| {
        let out = bin()
            .args(args)
            .args(["--lang", "zh", "--color", "never", "--utc"])
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let parse = table(&[
        "parse",
        "testdata/ticket-updated.json",
        "testdata/ticket-updated.compact.json",
    ]);
    for word in [
        "工单",
        "变更前",
        "变更后",
        "已变更",
        "未变",
        "否",
        "2 条记录",
        "0 条错误记录",
        "ticket_id",
    ] {
        assert!(parse.contains(word), "{word} missing:\n{parse}");
    }
    for word in ["before", "after", "changed", "same", "records", "│ ticket "] {
        assert!(!parse.contains(word), "{word} left in English:\n{parse}");
    }
    let rows = table(&["diff", "testdata/diff-updates.ndjson"]);
    for word in [
        "来源",
        "时间",
        "字段",
        "6 行（5 行变更），来自 4 次工单更新",
        "跳过 2 个事件（非 helpdesk.ticket.updated_v1）",
    ] {
        assert!(rows.contains(word), "{word} missing:\n{rows}");
    }
    let timeline = table(&["diff", "--timeline", "testdata/diff-timeline-a.ndjson"]);
    for word in [
        "工单 7002：",
        "备注",
        "缺口：status 原为",
        "2 个工单，5 个事件，丢弃 1 个重复",
    ] {
        assert!(timeline.contains(word), "{word} missing:\n{timeline}");
    }
    let json = bin()
        .args([
            "parse",
            "-o",
            "json",
            "--lang",
            "zh",
            "testdata/ticket-updated.json",
        ])
        .output()
        .expect("runs");
    let json = String::from_utf8_lossy(&json.stdout);
    assert!(
        json.contains("\"transitions\"") && json.contains("\"changed\":true"),
        "{json}"
    );
}
