//! The hostile catalogue, terminal part: payloads whose strings carry OSC,
//! CSI, C1 and lone ESC sequences in every rendered field, in keys, in
//! headers, in file names and in a malformed record's excerpt. With
//! `--color never`, no ESC (0x1b) and no C1 control reaches stdout or
//! stderr of `parse`, `diff` (all three modes), `verify` or `listen`; with
//! `--color always`, only our own colour codes do. `-o json` stays JSON's
//! (byte-identical to before), and `decrypt` prints the exact plaintext
//! into a pipe.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use serde_json::{Value, json};

/// An OSC title, a colour, a screen clear, an OSC 52 clipboard write, a C1
/// CSI (U+009B) and a lone ESC: each would act on a terminal.
const EVIL: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}[31mRED\u{1b}[0m\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{1b}";

fn evil(tag: &str) -> String {
    format!("{tag}{EVIL}")
}

fn user(tag: &str) -> Value {
    json!({"id": {"open_id": evil(&format!("{tag}-open")), "user_id": evil(&format!("{tag}-user"))},
           "name": evil(tag), "avatar_url": evil("avatar"), "email": evil("email")})
}

fn ticket(tag: &str) -> Value {
    json!({
        "ticket_id": evil(&format!("{tag}-ticket")), "helpdesk_id": evil("helpdesk"),
        "chat_id": evil("chat"), "stage": 1, "status": 1, "score": 1, "solve": 1, "channel": 0,
        "created_at": 1616920429000i64, "updated_at": 1616920429000i64, "closed_at": 1616920429000i64,
        "guest": user("guest"), "agents": [user("agent")], "collaborators": [user("collab")],
        "closed_by": user("closer"),
        "customized_fields": [{"id": evil("cf-id"), "value": evil("cf-value"), "key_name": evil("cf-key"),
                               "display_name": evil("cf-name"), "position": evil("pos"),
                               "required": false, "editable": true}],
        evil("unknown-key"): evil("unknown-value"),
    })
}

fn header(event_type: &str, id: &str) -> Value {
    json!({"event_id": evil(id), "event_type": event_type, "create_time": "1616920429000",
           "token": evil("token"), "app_id": evil("app"), "tenant_key": evil("tenant")})
}

/// Every modelled event, each string field hostile.
fn events() -> Vec<Value> {
    let updated = json!({"schema": "2.0", "header": header("helpdesk.ticket.updated_v1", "updated"),
        "event": {"object": ticket("updated"),
                  "old_object": {"stage": 1, "status": evil("old-status"), "updated_at": evil("old-time"),
                                 evil("old-key"): evil("old-value")}}});
    let created = json!({"schema": "2.0", "header": header("helpdesk.ticket.created_v1", "created"),
        "event": {"object": ticket("created")}});
    let message = json!({"schema": "2.0", "header": header("helpdesk.ticket_message.created_v1", "message"),
        "event": {"ticket_message_id": evil("tm"), "message_id": evil("msg"), "msg_type": evil("type"),
                  "position": evil("position"), "sender_id": user("sender")["id"], "sender_type": 1,
                  "text": evil("text"), "chat_id": evil("chat"), "ticket": ticket("message"),
                  "content": {"msg_type": evil("content-type"), "content": evil("content"),
                              "image_keys": [evil("image")], "image_key": evil("image-key")}}});
    let approval = json!({"schema": "2.0", "header": header("helpdesk.notification.approve_v1", "approve"),
        "event": {"notification_id": evil("notification"), "helpdesk_id": evil("hd"),
                  "approve_status": evil("approve")}});
    let other = json!({"schema": "2.0", "header": header(&evil("some.other_v1"), "other"),
        "event": {evil("other-key"): 1}});
    let challenge =
        json!({"type": "url_verification", "challenge": evil("challenge"), "token": evil("t")});
    vec![updated, created, message, approval, other, challenge]
}

/// The events one per line, then a malformed record whose excerpt is
/// hostile, then a record that is not a Lark event.
fn stream() -> String {
    let mut text: String = events().iter().map(|e| format!("{e}\n")).collect();
    text.push_str(&format!("garbage {EVIL} that is not JSON\n"));
    text.push_str(&format!("{}\n", json!({"x": evil("not-an-event")})));
    text
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A file whose name is hostile too.
fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write fixture");
    path
}

fn run(args: &[&str], files: &[&Path]) -> Output {
    bin()
        .args(args)
        .args(files)
        .env("COLUMNS", "200")
        .output()
        .expect("runs")
}

/// No ESC and no C1 control in stdout or stderr; the hostile text is shown
/// escaped instead.
fn no_controls(what: &str, o: &Output) {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains('\u{1b}'), "{what}: ESC in {stream}:\n{text}");
        assert!(
            !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
            "{what}: C1 control in {stream}:\n{text}"
        );
        assert!(!text.contains('\u{7}'), "{what}: BEL in {stream}:\n{text}");
    }
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // Ours (`\u{1b}`), or JSON's inside a quoted value (`\u001b`).
    assert!(
        all.contains("\\u{1b}]0;pwned\\u{7}") || all.contains("\\u001b]0;pwned\\u0007"),
        "{what}: the hostile text is not shown escaped:\n{all}"
    );
    assert!(!all.contains("panicked"), "{what}: {all}");
}

/// With colour, every ESC in the output starts one of our own colour codes,
/// and the payload's own sequences are shown escaped.
fn only_our_colours(what: &str, o: &Output) {
    for bytes in [&o.stdout, &o.stderr] {
        let text = String::from_utf8_lossy(bytes);
        for (i, _) in text.match_indices('\u{1b}') {
            let rest = &text[i + 1..];
            let sgr = rest.strip_prefix('[').is_some_and(|r| {
                let end = r.find(|c: char| !c.is_ascii_digit() && c != ';');
                end.is_some_and(|e| r[e..].starts_with('m'))
            });
            assert!(
                sgr,
                "{what}: an ESC that is not a colour code: {:?}",
                &text[i..]
            );
        }
        assert!(
            !text.contains("\u{1b}[31mRED"),
            "{what}: the payload's colour reached the terminal"
        );
        assert!(
            !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
            "{what}: C1"
        );
    }
}

#[test]
fn parse_and_diff_rows_show_hostile_fields_escaped() {
    let dir = dir();
    let file = write(dir.path(), &evil("events"), &stream());
    for color in ["never", "always"] {
        for args in [
            &["parse", "--strict"][..],
            &["diff"],
            &["diff", "--timeline"],
        ] {
            let mut all = args.to_vec();
            all.extend(["--color", color]);
            let o = run(&all, &[&file]);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{all:?}: the garbage record is an error"
            );
            if color == "never" {
                no_controls(&format!("{all:?}"), &o);
            } else {
                only_our_colours(&format!("{all:?}"), &o);
            }
        }
    }
}

#[test]
fn the_parse_table_shows_every_field_escaped() {
    let dir = dir();
    let file = write(dir.path(), "events.ndjson", &stream());
    let o = run(&["parse", "--color", "never"], &[&file]);
    let out = String::from_utf8_lossy(&o.stdout);
    for tag in [
        "updated-ticket",
        "helpdesk",
        "chat",
        "guest",
        "agent",
        "collab",
        "closer",
        "cf-name",
        "cf-value",
        "old-key",
        "old-value",
        "tm",
        "msg",
        "text",
        "content",
        "image",
        "notification",
        "approve",
        "other-key",
        "challenge",
        "updated",
        "app",
        "tenant",
    ] {
        assert!(
            out.contains(&format!("{tag}\\u{{1b}}]0;pwned")),
            "{tag} not shown escaped:\n{out}"
        );
    }
}

#[test]
fn diff_against_shows_hostile_paths_and_values_escaped() {
    let dir = dir();
    let expected = write(dir.path(), "expected.json", &format!("{}\n", events()[0]));
    let mut changed = events()[0].clone();
    changed["event"]["object"][evil("added-key")] = json!(evil("added-value"));
    changed["event"]["object"]["status"] = json!(evil("status"));
    let actual = write(dir.path(), &evil("actual"), &format!("{changed}\n"));
    for color in ["never", "always"] {
        let o = bin()
            .args(["diff", "--color", color, "--against"])
            .arg(&expected)
            .arg(&actual)
            .output()
            .expect("runs");
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        if color == "never" {
            no_controls("diff --against", &o);
        } else {
            only_our_colours("diff --against", &o);
        }
    }
}

#[test]
fn verify_shows_hostile_headers_and_bodies_escaped() {
    let dir = dir();
    let body = events()[0].to_string();
    let capture = json!({
        "headers": {"X-Lark-Request-Timestamp": evil("ts"), "X-Lark-Request-Nonce": evil("nonce"),
                    "X-Lark-Signature": evil("sig"), "X-Evil": evil("header")},
        "body": body,
    });
    let plain_wrong = json!({"headers": {}, "body": format!("{{\"encrypt\":\"{EVIL}\"}}")});
    let file = write(
        dir.path(),
        &evil("captures"),
        &format!("{capture}\n{plain_wrong}\n"),
    );
    for color in ["never", "always"] {
        let o = run(
            &["verify", "--encrypt-key", KEY, "--color", color],
            &[&file],
        );
        assert!(
            o.status.code().is_some_and(|c| c > 0),
            "the forged request is not accepted"
        );
        if color == "never" {
            no_controls("verify", &o);
        } else {
            only_our_colours("verify", &o);
        }
    }
}

#[test]
fn json_output_is_json_and_decrypt_into_a_pipe_is_exact() {
    let dir = dir();
    let file = write(dir.path(), "events.ndjson", &stream());
    let o = run(&["parse", "-o", "json"], &[&file]);
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(
            v.to_string().contains(EVIL) || line.contains("\\u001b"),
            "{line}"
        );
    }
    let plain = events()[0].to_string();
    let o = run(&["decrypt"], &[&write(dir.path(), "one.json", &plain)]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), format!("{plain}\n"));
}

#[test]
fn listen_shows_hostile_requests_escaped() {
    let listen = Listen::start(&["--max-requests", "3", "--color", "never"], &[]);
    let body = events()[0].to_string();
    // An HTTP parser refuses C0 controls in the request line and headers,
    // not C1 ones (obs-text): those reach the console line.
    let c1 = "\u{9b}2J\u{9d}0;pwned\u{9c}";
    let not_an_event = json!({"x": evil("not-an-event")}).to_string();
    let requests = [
        (b"/webhook/event".to_vec(), body.as_bytes()),
        (format!("/webhook/event{c1}").into_bytes(), body.as_bytes()),
        (b"/webhook/event".to_vec(), not_an_event.as_bytes()),
    ];
    for (target, body) in requests {
        let answer = listen.send(&target, &[("X-Evil", c1.as_bytes())], body);
        assert!(answer.starts_with(b"HTTP/1.1 "), "an answer");
    }
    no_controls("listen", &listen.finish());
}

/// `decrypt` on a terminal escapes what it prints byte for byte into a
/// pipe. The terminal is a pseudo-terminal made by util-linux's `script`.
#[cfg(target_os = "linux")]
#[test]
fn decrypt_on_a_terminal_escapes_controls() {
    let dir = dir();
    // Raw C1 and DEL are valid inside JSON strings.
    let file = write(dir.path(), "c1.json", "{\"a\":\"\u{9b}2J \u{7f}\"}");
    let binary = assert_cmd::cargo::cargo_bin("lark-ticket");
    let command = format!("{} decrypt {}", binary.display(), file.display());
    let o = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("LARK_ENCRYPT_KEY")
        .output()
        .expect("util-linux's script runs (it makes the pseudo-terminal)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("{\"a\":\"\\u{9b}2J \\u{7f}\"}"), "{shown:?}");
    assert!(
        !shown.contains('\u{9b}') && !shown.contains('\u{7f}'),
        "{shown:?}"
    );
}
