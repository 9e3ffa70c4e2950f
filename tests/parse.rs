//! `parse`: envelope, ticket state and transitions, as tables and NDJSON.
//! Here the NDJSON; how records are read and located is in
//! `tests/parse_records.rs`, the tables in `tests/parse_table.rs`; the run
//! the JSON tests share in `tests/common/parse.rs`.

mod common;

use common::parse::parse_json;
use common::*;
use serde_json::{Value, json};

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
