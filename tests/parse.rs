//! `parse`: envelope, ticket state and transitions, as tables and NDJSON.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::{Value, json};

fn parse_json(args: &[&str]) -> (Vec<Value>, String, Option<i32>) {
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

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn documentation_example_as_json() {
    let (values, stderr, code) = parse_json(&["testdata/ticket-updated.json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(values.len(), 1);
    let v = &values[0];
    assert_eq!(
        keys(v),
        [
            "source",
            "kind",
            "schema",
            "encrypted",
            "event_type",
            "event_id",
            "create_time",
            "app_id",
            "tenant_key",
            "ticket",
            "transitions",
            "warnings"
        ]
    );
    assert_eq!(v["source"], "testdata/ticket-updated.json:1");
    assert_eq!(v["kind"], "event");
    assert_eq!(v["schema"], "2.0");
    assert_eq!(v["encrypted"], false);
    assert_eq!(v["event_type"], "helpdesk.ticket.updated_v1");
    assert_eq!(v["event_id"], "5e3702a84e847582be8db7fb73283c02");
    assert_eq!(v["create_time"], 1608725989000_i64);
    assert_eq!(v["app_id"], "cli_9f5343c580712544");
    assert_eq!(v["tenant_key"], "2ca1d211f64f6438");
    let t = &v["ticket"];
    assert_eq!(
        keys(t),
        [
            "ticket_id",
            "helpdesk_id",
            "chat_id",
            "stage",
            "status",
            "score",
            "solve",
            "channel",
            "created_at",
            "updated_at",
            "closed_at",
            "guest",
            "agents",
            "collaborators",
            "closed_by",
            "customized_fields"
        ]
    );
    assert_eq!(t["ticket_id"], "6626871355780366331");
    assert_eq!(t["stage"], json!({"value": 1, "label": "bot"}));
    assert_eq!(t["status"], json!({"value": 1, "label": "created"}));
    assert_eq!(t["score"], json!({"value": 1, "label": "unsatisfied"}));
    assert_eq!(t["solve"], json!({"value": 1, "label": "unsolved"}));
    assert_eq!(t["channel"], json!({"value": 0, "label": "other"}));
    assert_eq!(t["created_at"], 1616920429000_i64);
    assert_eq!(t["agents"], Value::Null);
    assert_eq!(t["closed_by"], Value::Null);
    assert_eq!(
        t["guest"],
        json!({"id": {"user_id": "e33ggbyz", "open_id": "ou_84aad35d084aa403a838cf73ee18467", "union_id": "on_8ed6aa67826108097d9ee143816345"},
               "name": "abc", "avatar_url": null, "email": null})
    );
    assert_eq!(
        t["customized_fields"],
        json!([{"id": "123", "value": "value", "key_name": "key", "display_name": "display name", "position": 1, "required": true, "editable": true}])
    );
    assert_eq!(
        v["transitions"],
        json!([
            {"field": "stage", "from": {"value": 1, "label": "bot"}, "to": {"value": 1, "label": "bot"}, "changed": false},
            {"field": "status", "from": {"value": 50, "label": "closed by bot"}, "to": {"value": 1, "label": "created"}, "changed": true},
            {"field": "updated_at", "from": {"value": 1616920429000_i64, "label": "2021-03-28T08:33:49Z"},
             "to": {"value": 1616920429000_i64, "label": "2021-03-28T08:33:49Z"}, "changed": false}
        ])
    );
    assert_eq!(v["warnings"], json!([]));
}

#[test]
fn encrypted_pretty_and_compact_variants_agree() {
    let (plain, _, _) = parse_json(&["testdata/ticket-updated.json"]);
    let (compact, _, _) = parse_json(&["testdata/ticket-updated.compact.json"]);
    let (enc, stderr, code) = parse_json(&[
        "--encrypt-key",
        KEY,
        "testdata/ticket-updated.encrypted.json",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let strip = |mut v: Value| {
        let o = v.as_object_mut().unwrap();
        o.remove("source");
        o.remove("encrypted");
        v
    };
    assert_eq!(enc[0]["encrypted"], true);
    assert_eq!(strip(enc[0].clone()), strip(plain[0].clone()));
    assert_eq!(strip(compact[0].clone()), strip(plain[0].clone()));
}

#[test]
fn mixed_stream_every_event_kind() {
    let (values, stderr, code) = parse_json(&["--encrypt-key", KEY, "testdata/stream.ndjson"]);
    assert_eq!(code, Some(0), "{stderr}");
    let summary: Vec<(String, Value, Value)> = values
        .iter()
        .map(|v| {
            (
                v["source"].as_str().unwrap().to_string(),
                v["event_type"].clone(),
                v["encrypted"].clone(),
            )
        })
        .collect();
    let expected = [
        ("helpdesk.ticket.updated_v1", false),
        ("helpdesk.ticket.updated_v1", true),
        ("helpdesk.ticket.created_v1", false),
        ("helpdesk.ticket_message.created_v1", false),
        ("helpdesk.notification.approve_v1", false),
        ("im.message.receive_v1", false),
        ("message", false),
    ];
    for (i, (ty, enc)) in expected.iter().enumerate() {
        assert_eq!(
            summary[i],
            (
                format!("testdata/stream.ndjson:{}", i + 1),
                json!(ty),
                json!(enc)
            )
        );
    }
    // Updated: stage bot -> human, status queued -> processing.
    let t = &values[1]["transitions"];
    assert_eq!(t[0]["from"]["label"], "bot");
    assert_eq!(t[0]["to"]["label"], "human");
    assert_eq!(t[1]["from"]["label"], "queued");
    assert_eq!(t[1]["to"]["label"], "processing");
    assert_eq!(values[1]["ticket"]["agents"][0]["name"], "Li Lei");
    assert_eq!(
        values[1]["ticket"]["channel"],
        json!({"value": 14, "label": "share"})
    );
    // Created: a ticket, no transitions.
    assert_eq!(values[2]["ticket"]["ticket_id"], "7002");
    assert_eq!(values[2]["transitions"], json!([]));
    // Message: its own fields; position was a number.
    let d = &values[3]["details"];
    assert_eq!(d["position"], "10");
    assert_eq!(d["sender_type"], json!({"value": 2, "label": "guest"}));
    assert_eq!(d["text"], "你好，我的工单怎么样了？");
    assert_eq!(values[3]["ticket"]["status"]["label"], "processing");
    // Approval, other event, schema 1.0.
    assert_eq!(values[4]["details"]["approve_status"], "APPROVED");
    assert_eq!(
        values[5]["details"],
        json!({"event_keys": ["sender", "message"]})
    );
    assert_eq!(values[5]["ticket"], Value::Null);
    assert_eq!(values[6]["schema"], "1.0");
    assert_eq!(values[6]["create_time"], 1616920900123_i64);
    assert_eq!(values[6]["event_id"], "41b5f371157e3ffc9d0a4b5f6a0f1e2d");
    // The challenge and the exact response body.
    let c = &values[7];
    assert_eq!(c["kind"], "url_verification");
    assert_eq!(c["schema"], Value::Null);
    assert_eq!(c["challenge"], "ajls384kdjx98XX");
    assert_eq!(c["response"], "{\"challenge\":\"ajls384kdjx98XX\"}");
    // The verification token is never printed.
    assert!(!values.iter().any(|v| v.to_string().contains(TOKEN)));
}

#[test]
fn message_position_as_documented_string() {
    let (values, _, code) = parse_json(&["testdata/message-position-string.json"]);
    assert_eq!(code, Some(0));
    assert_eq!(values[0]["details"]["position"], "10");
    assert_eq!(values[0]["warnings"], json!([]));
}

#[test]
fn concatenated_documents_are_located() {
    let (values, stderr, code) = parse_json(&["--encrypt-key", KEY, "testdata/concatenated.json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let sources: Vec<&str> = values
        .iter()
        .map(|v| v["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "testdata/concatenated.json:1",
            "testdata/concatenated.json:33",
            "testdata/concatenated.json:33",
            "testdata/concatenated.json:34"
        ]
    );
    assert_eq!(values[3]["encrypted"], true);
}

#[test]
fn http_captures_crlf_and_lf_and_capture_records() {
    let (values, stderr, code) = parse_json(&[
        "--encrypt-key",
        KEY,
        "testdata/capture.http",
        "testdata/captures-lf.http",
        "testdata/captures.ndjson",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let got: Vec<(&str, &str)> = values
        .iter()
        .map(|v| {
            (
                v["source"].as_str().unwrap(),
                v["event_type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("testdata/capture.http:1", "helpdesk.ticket.updated_v1"),
            ("testdata/captures-lf.http:1", "helpdesk.ticket.created_v1"),
            (
                "testdata/captures-lf.http:8",
                "helpdesk.notification.approve_v1"
            ),
            ("testdata/captures.ndjson:1", "helpdesk.ticket.updated_v1"),
            (
                "testdata/captures.ndjson:2",
                "helpdesk.ticket_message.created_v1"
            ),
            (
                "testdata/captures.ndjson:3",
                "helpdesk.notification.approve_v1"
            ),
        ]
    );
}

#[test]
fn bad_records_cost_only_themselves() {
    let (values, stderr, code) = parse_json(&["--encrypt-key", KEY, "testdata/bad-records.ndjson"]);
    assert_eq!(code, Some(2));
    let sources: Vec<String> = values
        .iter()
        .map(|v| v["source"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..10)
        .map(|i| format!("testdata/bad-records.ndjson:{}", 2 * i + 1))
        .collect();
    assert_eq!(sources, expected);
    let error_lines: Vec<u32> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("lark-ticket: error: testdata/bad-records.ndjson:"))
        .map(|rest| rest.split(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(error_lines, [2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert!(stderr.contains("bad-records.ndjson:16: not a Lark event callback"));
}

#[test]
fn resynchronises_inside_a_pretty_stream() {
    // An unterminated document is followed by good ones at column 0.
    let input = "{\n  \"schema\": \"2.0\",\n  \"header\": {\"event_type\": \"x\"\n{\"type\":\"url_verification\",\"challenge\":\"a\"}\n{\n  \"type\": \"url_verification\",\n  \"challenge\": \"b\"\n}\n";
    let out = bin()
        .args(["parse", "-o", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let sources: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["source"].clone())
        .collect();
    assert_eq!(sources, [json!("-:4"), json!("-:5")]);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("lark-ticket: error: -:1: malformed JSON")
    );
}

#[test]
fn strict_lists_every_deviation_by_path() {
    let out = bin()
        .args([
            "parse",
            "--strict",
            "-o",
            "json",
            "testdata/deviations.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    for path in [
        "event.object.ticket_id: missing",
        "event.object.stage: unknown stage value 3",
        "event.object.status: unknown status value 99",
        "event.object.score: expected an integer, found a string",
        "event.old_object.priority: not a documented old_object field",
    ] {
        assert!(stderr.contains(path), "{path} not in\n{stderr}");
    }
    // Still rendered, unknown values keep their number.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["ticket"]["status"],
        json!({"value": 99, "label": "unknown (99)"})
    );
    assert_eq!(v["ticket"]["updated_at"], -1);
    assert_eq!(v["transitions"][1]["field"], "priority");
    // Without --strict: exit 0, the warnings are in the JSON.
    let (values, _, code) = parse_json(&["testdata/deviations.json"]);
    assert_eq!(code, Some(0));
    let warnings = values[0]["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w == "event.object.status: unknown status value 99")
    );
    // Missing fields are deviations only, not warnings.
    assert!(
        !warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("ticket_id"))
    );
    // A conforming record passes --strict.
    bin()
        .args(["parse", "--strict", "testdata/ticket-updated.json"])
        .assert()
        .success();
}

#[test]
fn chinese_labels() {
    let (values, _, _) = parse_json(&["--lang", "zh", "testdata/ticket-updated.json"]);
    let t = &values[0]["transitions"][1];
    assert_eq!(t["from"]["label"], "被机器人关闭");
    assert_eq!(t["to"]["label"], "已创建");
    assert_eq!(values[0]["ticket"]["stage"]["label"], "机器人");
}

#[test]
fn local_time_zone_and_utc() {
    let out = bin()
        .args(["parse", "-o", "json", "testdata/ticket-updated.json"])
        .env("TZ", "Asia/Shanghai")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["transitions"][2]["from"]["label"],
        "2021-03-28T16:33:49+08:00"
    );
    assert_eq!(v["transitions"][2]["from"]["value"], 1616920429000_i64);
    let out = bin()
        .args(["parse", "--utc", "testdata/ticket-updated.json"])
        .env("TZ", "Asia/Shanghai")
        .output()
        .unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("2021-03-28T08:33:49Z")
    );
}

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

#[test]
fn not_an_event_is_an_error() {
    bin()
        .args(["parse"])
        .write_stdin("{\"hello\":\"world\"}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-:1: not a Lark event callback"));
}

#[test]
fn closed_pipe_exits_quietly() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let line = String::from_utf8(read("ticket-updated.compact.json")).unwrap();
    let input = line.repeat(20_000);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("lark-ticket"))
        .args(["parse", "-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"helpdesk.ticket.updated_v1\""));
    // stdout is dropped here: the pipe closes like `| head -1`.
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn invalid_utf8_inside_a_string_is_an_error() {
    let mut input =
        b"{\"type\":\"url_verification\",\"challenge\":\"a\",\"x\":\"\xff\"}\n".to_vec();
    input.extend_from_slice(b"{\"type\":\"url_verification\",\"challenge\":\"b\"}\n");
    let out = bin()
        .args(["parse", "-o", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("-:1: malformed JSON: invalid UTF-8 at byte 48")
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.contains("\"challenge\":\"b\""));
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
