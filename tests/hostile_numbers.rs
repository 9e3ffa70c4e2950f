//! The hostile catalogue, numbers: values out of range in the event, and
//! integers at their extremes from the input or the environment (times,
//! thread counts, widths, lengths, ages, golden values).

mod common;

use common::hostile::{GOOD, fails_cleanly, run};
use common::*;

#[test]
fn numbers_out_of_range() {
    // Beyond f64 in a field the model reads: malformed JSON. (In a field
    // nothing reads it is skipped like the rest of that field.)
    fails_cleanly(
        &run(
            &["parse"],
            "{\"schema\":\"2.0\",\"header\":{\"event_type\":\"helpdesk.ticket.updated_v1\"},\"event\":{\"object\":{\"stage\":1e400}}}\n",
        ),
        &["-:1: ", "number out of range"],
    );
    // Representable but not the integers the schema says: warnings, exit 0;
    // --strict makes them deviations (exit 1).
    let event = r#"{"schema":"2.0","header":{"event_type":"helpdesk.ticket.updated_v1","create_time":"99999999999999999999"},
        "event":{"object":{"ticket_id":"t","stage":99999999999999999999,"status":-1e300,"created_at":9223372036854775807,
        "updated_at":-9223372036854775808,"closed_at":1.5e18},"old_object":{"updated_at":1e19,"status":-9223372036854775809}}}"#
        .replace('\n', "");
    for format in ["table", "json"] {
        let o = run(&["parse", "--utc", "-o", format], event.as_bytes());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("out of range"), "{out}");
        let warnings = if format == "json" {
            out.to_string()
        } else {
            stderr(&o)
        };
        for path in [
            "header.create_time",
            "event.object.stage",
            "event.object.status",
            "event.old_object.updated_at",
        ] {
            assert!(warnings.contains(path), "{path} in {warnings}");
        }
    }
    let o = run(&["parse", "--strict", "-o", "json"], event.as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Timestamps at the ends of i64 in verify. With the largest --max-age
    // (2^64 - 1 s) the ends are 2^64 - 1 s apart, within it: the check
    // passes (exit 0). A timestamp past i64 is not Unix seconds, and 1e20 s
    // from now would be beyond any --max-age anyway: it fails (exit 1).
    for (ts, now, code) in [
        ("-9223372036854775808", "9223372036854775807", 0),
        ("9223372036854775807", "-9223372036854775808", 0),
        ("99999999999999999999", "0", 1),
    ] {
        let o = bin()
            .args([
                "verify",
                "--encrypt-key",
                KEY,
                "--nonce",
                "n",
                "--signature",
                "x",
                "--max-age",
                "18446744073709551615",
                "-o",
                "json",
            ])
            .arg(format!("--timestamp={ts}"))
            .arg(format!("--now={now}"))
            .write_stdin(GOOD)
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(code), "{ts}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}

// Integers at their extremes, from the input or the environment. Debug
// builds (these tests') check every operation for overflow, so each of
// these once panicked or, in a release build, printed a wrong value.

/// The ticket-updated fixture with another `header.create_time`.
fn with_create_time(create_time: &str) -> String {
    String::from_utf8(read("ticket-updated.json"))
        .expect("UTF-8")
        .replace("\"1608725989000\"", &format!("\"{create_time}\""))
}

#[test]
fn create_time_at_the_ends_of_i64() {
    for (create_time, ms, shown) in [
        (
            "-9223372036854775808",
            i64::MIN,
            "out of range (-9223372036854775808)",
        ),
        (
            "9223372036854775807",
            i64::MAX,
            "out of range (9223372036854775807)",
        ),
        // Microseconds, the old events' form, before 1970 too.
        (
            "-1608725989000123",
            -1_608_725_989_000,
            "1919-01-09T11:40:11Z",
        ),
    ] {
        let event = with_create_time(create_time);
        let o = run(&["parse", "--utc"], event.as_bytes());
        assert_eq!(o.status.code(), Some(0), "{create_time}: {}", stderr(&o));
        let table = String::from_utf8_lossy(&o.stdout);
        assert!(table.contains(shown), "{create_time}: {table}");
        let o = run(&["parse", "--utc", "-o", "json"], event.as_bytes());
        assert_eq!(o.status.code(), Some(0), "{create_time}: {}", stderr(&o));
        assert_eq!(json_lines(&o)[0]["create_time"], ms, "{create_time}");
        for mode in [&["diff"][..], &["diff", "--timeline"]] {
            let o = run(&[mode, &["--utc"]].concat(), event.as_bytes());
            assert_eq!(o.status.code(), Some(0), "{mode:?}: {}", stderr(&o));
        }
    }
}

#[test]
fn schema_1_seconds_out_of_range_are_warnings_not_wrong_times() {
    let input = [
        r#"{"uuid":"a","ts":1e308,"event":{"type":"x"}}"#,
        r#"{"uuid":"b","ts":-9223372036854775808,"event":{"type":"x"}}"#,
        r#"{"uuid":"c","ts":"99999999999999999999.5","event":{"type":"x"}}"#,
        r#"{"uuid":"d","ts":"-1.5","event":{"type":"x"}}"#,
    ]
    .join("\n");
    let o = run(&["parse", "-o", "json"], input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let records = json_lines(&o);
    for record in &records[..3] {
        assert_eq!(record["create_time"], serde_json::Value::Null, "{record}");
        let warnings = record["warnings"].to_string();
        assert!(warnings.contains("ts: ") && warnings.contains("out of range"));
    }
    // Before 1970 the fraction counts backwards too.
    assert_eq!(records[3]["create_time"], -1500);
}

#[test]
fn threads_are_bounded() {
    for n in ["1025", "1000000", "18446744073709551615"] {
        let o = run(&["parse", "-j", n], GOOD);
        assert_eq!(o.status.code(), Some(2), "-j {n}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("--threads") && err.contains("1024"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // The bound itself is fine, on records enough to start the threads.
    let many = format!("{GOOD}\n").repeat(300);
    let o = run(&["parse", "-j", "1024", "-o", "json"], many);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_lines(&o).len(), 300);
    let help = bin().args(["parse", "--help"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&help.stdout).contains("at most 1024"));
}

#[test]
fn any_columns_is_a_width() {
    let event = read("ticket-updated.json");
    let capture = read("capture.http");
    for columns in ["18446744073709551615", "0", "1"] {
        for (args, input) in [
            (&["parse"][..], &event),
            (&["diff"], &event),
            (&["diff", "--timeline"], &event),
            (&["verify", "--encrypt-key", KEY], &capture),
        ] {
            let o = bin()
                .env("COLUMNS", columns)
                .args(args)
                .write_stdin(input.clone())
                .output()
                .expect("runs");
            let err = stderr(&o);
            assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(!o.stdout.is_empty(), "COLUMNS={columns} {args:?}");
        }
    }
}

#[test]
fn content_length_at_the_end_of_usize() {
    let capture = "POST /e HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n{}";
    let max = usize::MAX.to_string();
    fails_cleanly(
        &run(&["parse", "--max-record-size", &max], capture),
        &[
            "-:1: truncated HTTP capture: Content-Length is 18446744073709551615 but only 2 bytes follow",
        ],
    );
}

#[test]
fn request_age_beyond_i64_is_exact() {
    // now - timestamp is 2^64 - 1 seconds: more than a --max-age of 2^63
    // (an age saturated at i64::MAX passed it).
    let o = bin()
        .args([
            "verify",
            "--encrypt-key",
            KEY,
            "--nonce",
            "n",
            "--signature",
            "x",
        ])
        .args(["--max-age", "9223372036854775808", "-o", "json"])
        .args([
            "--timestamp=-9223372036854775808",
            "--now=9223372036854775807",
        ])
        .write_stdin(GOOD)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = &json_lines(&o)[0];
    let checks = report["checks"].as_array().expect("checks");
    let timestamp = checks
        .iter()
        .find(|c| c["name"] == "timestamp")
        .expect("a timestamp check");
    assert_eq!(timestamp["status"], "fail", "{timestamp}");
    assert!(
        timestamp["detail"]
            .as_str()
            .is_some_and(|d| d.contains("18446744073709551615 s"))
    );
}

#[test]
fn golden_integers_beyond_f64_precision_still_differ() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = dir.path().join("expected.json");
    std::fs::write(&expected, r#"{"n":9007199254740993,"m":1}"#).expect("write");
    let o = bin()
        .args(["diff", "-o", "json", "--against"])
        .arg(&expected)
        .write_stdin(r#"{"n":9007199254740992.0,"m":1.0}"#)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["path"], "n");
}
