//! `diff` through the real binary: rows, golden comparison and timelines over
//! the hand-built `testdata/diff-*` streams.

mod common;

use std::process::Output;

use common::*;
use lark_ticket::crypto;
use lark_ticket::secret::Secret;
use serde_json::{Value, json};

fn run(args: &[&str]) -> Output {
    bin().arg("diff").args(args).output().expect("runs")
}

fn run_stdin(args: &[&str], stdin: Vec<u8>) -> Output {
    bin()
        .arg("diff")
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("runs")
}

fn coded(value: i64, label: &str) -> Value {
    json!({"value": value, "label": label})
}

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

/// Each line of an NDJSON stream wrapped into `{"encrypt":...}` with the test key.
fn encrypt_lines(plain: &[u8]) -> Vec<u8> {
    let key = Secret::new(KEY);
    let mut out = Vec::new();
    for line in plain.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let encrypted = crypto::encrypt(&key, line, Some([7; 16])).unwrap();
        out.extend_from_slice(json!({ "encrypt": encrypted }).to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

// ---- Golden comparison: diff --against EXPECTED [FILE] ----

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

// ---- Timelines: diff --timeline [FILE...] ----

const TIMELINE_A: &str = "testdata/diff-timeline-a.ndjson";
const TIMELINE_B: &str = "testdata/diff-timeline-b.ndjson";

fn state(id: &str, updated_at: i64, stage: (i64, &str), status: (i64, &str)) -> Value {
    json!({"event_id": id, "updated_at": updated_at,
           "stage": coded(stage.0, stage.1), "status": coded(status.0, status.1)})
}

#[test]
fn timeline_across_two_files() {
    let o = run(&["-o", "json", "--timeline", TIMELINE_A, TIMELINE_B]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let t0 = 1_700_000_000_000_i64;
    let human = (2, "human");
    assert_eq!(
        json_lines(&o),
        [
            // Created (updated_at unset) first; u1 delivered three times; u2
            // delivered late, from the second file.
            json!({"ticket_id": "7001", "events": 5, "duplicates": 2, "out_of_order": 1,
                "states": [
                    state("c1-7001", -1, (1, "bot"), (1, "created")),
                    state("u1-7001", t0 + 60_000, human, (3, "queued")),
                    state("u2-7001", t0 + 120_000, human, (2, "processing")),
                    state("u3-7001", t0 + 300_000, human, (5, "waiting for user")),
                    state("u4-7001", t0 + 600_000, human, (51, "closed by agent")),
                ],
                "gaps": []}),
            // queued -> processing never arrived.
            json!({"ticket_id": "7002", "events": 2, "duplicates": 0, "out_of_order": 0,
                "states": [
                    state("v1-7002", t0 + 100_000, human, (3, "queued")),
                    state("v3-7002", t0 + 400_000, human, (51, "closed by agent")),
                ],
                "gaps": [{"event_id": "v3-7002", "field": "status",
                          "expected": coded(3, "queued"), "found": coded(2, "processing")}]}),
            // No old_object on the first; the second's old_object lacks the
            // status that changed.
            json!({"ticket_id": "7003", "events": 2, "duplicates": 0, "out_of_order": 0,
                "states": [
                    state("w1-7003", t0 + 200_000, human, (2, "processing")),
                    state("w2-7003", t0 + 500_000, human, (4, "pending")),
                ],
                "gaps": [{"event_id": "w2-7003", "field": "status",
                          "expected": coded(2, "processing"), "found": coded(4, "pending")}]}),
        ]
    );
    assert_eq!(
        stderr(&o),
        "lark-ticket: note: skipped 2 events (not helpdesk.ticket.created_v1 or updated_v1): \
         1 helpdesk.ticket_message.created_v1, 1 helpdesk.notification.approve_v1\n"
    );
}

#[test]
fn timeline_table() {
    let o = run(&["--timeline", TIMELINE_A, TIMELINE_B]);
    assert_eq!(code(&o), 0);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn timeline_file_order_is_delivery_order() {
    // Read the other way round, the second file's events come first: u2
    // then u4 arrive before u1 and u3, so those two are now the late ones.
    let o = run(&["-o", "json", "--timeline", TIMELINE_B, TIMELINE_A]);
    let lines = json_lines(&o);
    let t7001 = lines.iter().find(|t| t["ticket_id"] == "7001").unwrap();
    assert_eq!(t7001["events"], 5);
    assert_eq!(t7001["duplicates"], 2);
    // c1, u1 and u3 all arrived after u4.
    assert_eq!(t7001["out_of_order"], 3);
    assert_eq!(t7001["states"][0]["event_id"], "c1-7001");
    assert_eq!(lines[0]["ticket_id"], "7001");
}

#[test]
fn timeline_of_one_stream_with_bad_record_and_encryption() {
    // The same events, encrypted, on stdin, with a bad record in the middle.
    let mut input = encrypt_lines(&read("diff-timeline-a.ndjson"));
    input.extend_from_slice(b"{\"schema\":\"2.0\",\n");
    input.extend(encrypt_lines(&read("diff-timeline-b.ndjson")));
    let o = bin()
        .args(["diff", "--timeline", "-o", "json"])
        .env("LARK_ENCRYPT_KEY", KEY)
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("lark-ticket: error: -:8: "),
        "{}",
        stderr(&o)
    );
    let plain = run(&["-o", "json", "--timeline", TIMELINE_A, TIMELINE_B]);
    assert_eq!(json_lines(&o), json_lines(&plain));
}

#[test]
fn timeline_help_states_memory_bound() {
    let o = bin().args(["diff", "--help"]).output().unwrap();
    let help = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains(
            "Memory grows with the number of tickets and of distinct events, not with the number or size of deliveries"
        ),
        "{help}"
    );
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

/// The timelines are built (and, as JSON, written) on the workers once the
/// input ends: over more tickets than a batch, every thread count writes
/// what one thread writes, as JSON and as tables.
#[test]
fn timelines_are_identical_for_any_thread_count() {
    let mut input = String::new();
    for file in ["diff-timeline-a.ndjson", "diff-timeline-b.ndjson"] {
        let text = std::fs::read_to_string(testdata(file)).unwrap();
        for copy in 0..300 {
            input.push_str(&text.replace(
                "\"ticket_id\":\"700",
                &format!("\"ticket_id\":\"{copy}-700"),
            ));
        }
    }
    for format in ["json", "table"] {
        let run = |threads: &str| {
            bin()
                .args(["diff", "--timeline", "-o", format, "-j", threads])
                .env("TZ", "UTC")
                .write_stdin(input.clone())
                .output()
                .unwrap()
        };
        let one = run("1");
        assert_eq!(one.status.code(), Some(0), "{format}");
        let text = String::from_utf8_lossy(&one.stdout);
        assert!(text.contains("299-7002"), "{format}: {text:.300}");
        if format == "json" {
            assert_eq!(text.lines().count(), 900, "one line per ticket");
        }
        for threads in ["2", "3", "8"] {
            let many = run(threads);
            assert_eq!(many.status.code(), one.status.code(), "{format}");
            assert_eq!(many.stdout, one.stdout, "{format} -j {threads} stdout");
            assert_eq!(many.stderr, one.stderr, "{format} -j {threads} stderr");
        }
    }
}
