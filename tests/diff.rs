//! `diff` through the real binary: what changed in each ticket update (rows)
//! over the hand-built `testdata/diff-*` streams, and the parallel pipeline
//! writing what one thread writes. The golden comparison is in
//! `tests/diff_against.rs`, the timelines in `tests/diff_timeline.rs`; the
//! helpers the three share in `tests/common/diff.rs`.

mod common;

use common::diff::{coded, encrypt_lines, run, run_stdin};
use common::*;
use serde_json::json;

// ---- What changed: diff [FILE...] ----

#[test]
fn rows_json_one_per_old_object_field() {
    let o = run(&["-o", "json", "testdata/diff-updates.ndjson"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let src = |line: u32| format!("testdata/diff-updates.ndjson:{line}");
    let t0 = 1_700_000_000_000_i64;
    assert_eq!(
        json_lines(&o),
        [
            json!({"source": src(2), "ticket_id": "7001", "event_id": "u1-7001", "field": "stage",
                   "from": coded(1, "bot"), "to": coded(2, "human"), "changed": true}),
            json!({"source": src(2), "ticket_id": "7001", "event_id": "u1-7001", "field": "status",
                   "from": coded(1, "created"), "to": coded(3, "queued"), "changed": true}),
            // updated_at -1 is the platform's "unset".
            json!({"source": src(2), "ticket_id": "7001", "event_id": "u1-7001", "field": "updated_at",
                   "from": coded(-1, "unset"), "to": {"value": t0 + 60_000, "label": "2023-11-14T22:14:20Z"},
                   "changed": true}),
            // A stage-only update that left the stage alone.
            json!({"source": src(4), "ticket_id": "7002", "event_id": "s1-7002", "field": "stage",
                   "from": coded(1, "bot"), "to": coded(1, "bot"), "changed": false}),
            json!({"source": src(6), "ticket_id": "7001", "event_id": "u4-7001", "field": "status",
                   "from": coded(5, "waiting for user"), "to": coded(51, "closed by agent"), "changed": true}),
            json!({"source": src(6), "ticket_id": "7001", "event_id": "u4-7001", "field": "updated_at",
                   "from": {"value": t0 + 300_000, "label": "2023-11-14T22:18:20Z"},
                   "to": {"value": t0 + 600_000, "label": "2023-11-14T22:23:20Z"}, "changed": true}),
        ]
    );
    // The update without old_object is named; skipped event types are counted.
    assert_eq!(
        stderr(&o),
        "lark-ticket: warning: testdata/diff-updates.ndjson:5: no event.old_object: nothing to diff\n\
         lark-ticket: note: skipped 2 events (not helpdesk.ticket.updated_v1): \
         1 helpdesk.ticket.created_v1, 1 helpdesk.ticket_message.created_v1\n"
    );
}

#[test]
fn rows_table() {
    let o = run(&["testdata/diff-updates.ndjson"]);
    assert_eq!(code(&o), 0);
    insta::assert_snapshot!(stdout(&o));
    // The table's closing line already says what was skipped.
    assert!(!stderr(&o).contains("note:"), "{}", stderr(&o));
}

#[test]
fn rows_in_chinese() {
    let o = run(&["-o", "json", "--lang", "zh", "testdata/diff-updates.ndjson"]);
    let rows = json_lines(&o);
    assert_eq!(rows[4]["to"], coded(51, "被客服关闭"));
}

#[test]
fn rows_bad_record_mid_stream_keeps_the_good_ones() {
    let o = run(&["-o", "json", "testdata/diff-bad.ndjson"]);
    assert_eq!(code(&o), 2);
    let rows = json_lines(&o);
    let sources: Vec<&str> = rows.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        [
            "testdata/diff-bad.ndjson:1",
            "testdata/diff-bad.ndjson:1",
            "testdata/diff-bad.ndjson:1",
            "testdata/diff-bad.ndjson:3",
            "testdata/diff-bad.ndjson:3",
        ]
    );
    assert!(
        stderr(&o).starts_with("lark-ticket: error: testdata/diff-bad.ndjson:2: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rows_from_stdin_and_not_an_event() {
    let mut input = read("ticket-updated.json");
    input.extend_from_slice(b"\n{\"hello\":1}\n");
    let o = run_stdin(&["-o", "json"], input);
    assert_eq!(code(&o), 2);
    let rows = json_lines(&o);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["source"], "-:1");
    assert_eq!(rows[1]["field"], "status");
    assert_eq!(rows[1]["from"], coded(50, "closed by bot"));
    assert_eq!(rows[1]["to"], coded(1, "created"));
    assert!(
        stderr(&o).contains("-:52: not a Lark event callback"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rows_of_encrypted_events() {
    let plain = read("diff-updates.ndjson");
    let o = run_stdin(&["-o", "json"], encrypt_lines(&plain));
    assert_eq!(code(&o), 2, "no key");
    assert!(stderr(&o).contains("no Encrypt Key"));
    let o = bin()
        .args(["diff", "-o", "json"])
        .env("LARK_ENCRYPT_KEY", KEY)
        .write_stdin(encrypt_lines(&plain))
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(json_lines(&o).len(), 6);
}

#[test]
fn encrypted_plaintext_that_is_not_json_is_named_on_the_fast_path() {
    let key = lark_ticket::secret::Secret::new(KEY);
    let bad = lark_ticket::crypto::encrypt(&key, b"{\"schema\":", Some([9; 16])).unwrap();
    let good = std::fs::read_to_string(testdata("diff-updates.ndjson")).unwrap();
    let input = format!("{{\"encrypt\":\"{bad}\"}}\n{good}");
    for threads in ["1", "2"] {
        let out = bin()
            .args(["diff", "-o", "json", "-j", threads, "--encrypt-key", KEY])
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("lark-ticket: error: -:1: plaintext is not JSON"),
            "{stderr}"
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 6);
    }
}

/// The parallel pipeline writes exactly what one thread writes, errors and
/// warnings included, over a stream long enough to span many batches: for
/// `diff`, `parse` (JSON, tables, --strict) and `decrypt`.
#[test]
fn output_is_identical_for_any_thread_count() {
    let mut input = Vec::new();
    for _ in 0..40 {
        input.extend(std::fs::read(testdata("diff-updates.ndjson")).unwrap());
        input.extend(std::fs::read(testdata("bad-records.ndjson")).unwrap());
        input.extend(std::fs::read(testdata("stream.ndjson")).unwrap());
    }
    let commands: [&[&str]; 6] = [
        &["diff", "-o", "json"],
        &["parse", "-o", "json"],
        &["parse", "-o", "table"],
        &["parse", "-o", "json", "--strict"],
        &["decrypt"],
        &["decrypt", "--pretty"],
    ];
    for command in commands {
        let run = |threads: &str| {
            bin()
                .args(command)
                .args(["--encrypt-key", KEY, "-j", threads])
                .write_stdin(input.clone())
                .output()
                .unwrap()
        };
        let one = run("1");
        assert_eq!(one.status.code(), Some(2), "{command:?}");
        assert!(one.stdout.len() > 10_000, "{command:?}");
        assert!(one.stderr.len() > 1_000, "{command:?}");
        for threads in ["2", "3", "8"] {
            let many = run(threads);
            assert_eq!(many.status.code(), one.status.code(), "{command:?}");
            assert_eq!(many.stdout, one.stdout, "{command:?} -j {threads} stdout");
            assert_eq!(many.stderr, one.stderr, "{command:?} -j {threads} stderr");
        }
    }
}
