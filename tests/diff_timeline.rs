//! `diff --timeline` through the real binary: each ticket's states over the
//! hand-built `testdata/diff-timeline-*` streams, in delivery order, with
//! duplicates, late events and gaps; built on the workers, the same for
//! any thread count.

mod common;

use common::diff::{coded, encrypt_lines, run};
use common::*;
use serde_json::{Value, json};

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
