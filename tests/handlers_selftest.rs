//! The handlers in `tests/peers/handlers/` behave as their README says:
//! requests built here (our own encryption and signature, plain HTTP), and
//! what each handler answers pinned, row by row, to the README's tables.
//! The SDK handlers skip when the SDK is missing (and fail under
//! `LARK_TICKET_REQUIRE_SDK` or CI).

mod common;

use std::time::{Duration, Instant};

use common::handlers::{Answer, Handler, post};
use common::platform::{Platform, Request};
use serde_json::Value;

const KEY: &str = "test-key";
const TOKEN: &str = "test-token";
const TIMEOUT: Duration = Duration::from_secs(10);

/// What a handler did with one request: its answer (`None`: the connection
/// closed without one) and whether the registered handler function ran.
type Row = (&'static str, Option<(u16, String)>, bool);

fn send(handler: &Handler, request: &Request) -> (Option<Answer>, bool) {
    let before = handler.handled().len();
    let answer = post(&handler.url, &request.headers, &request.body, TIMEOUT).ok();
    // "handled" is logged before the answer is sent.
    (answer, handler.handled().len() > before)
}

fn run(handler: &Handler, platform: &Platform) -> Vec<Row> {
    platform
        .battery()
        .into_iter()
        .map(|(case, request)| {
            let (answer, handled) = send(handler, &request);
            (case, answer.map(|a| (a.status, a.body)), handled)
        })
        .collect()
}

/// Expected rows: (case, status or 0 for no answer, body, handled).
fn assert_table(what: &str, got: &[Row], expected: &[(&str, u16, &str, bool)]) {
    let expected: Vec<Row> = got
        .iter()
        .zip(expected)
        .map(|(g, &(case, status, body, handled))| {
            assert_eq!(g.0, case, "{what}: the battery's rows changed");
            let answer = (status != 0).then(|| (status, body.to_string()));
            (g.0, answer, handled)
        })
        .collect();
    let show = |rows: &[Row]| {
        rows.iter()
            .map(|(c, a, h)| format!("{c:48} {a:?} handled={h}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        got == expected.as_slice(),
        "{what} answered\n{}\ninstead of\n{}",
        show(got),
        show(&expected)
    );
}

const SIG_FAILED: &str = r#"{"msg":"signature verification failed"}"#;
const PY_TOKEN: &str = r#"{"msg":"invalid verification_token"}"#;
const PY_OK: &str = r#"{"msg":"success"}"#;
const PY_NOT_JSON: &str = r#"{"msg":"Expecting value: line 1 column 1 (char 0)"}"#;
const PY_NO_PROCESSOR: &str =
    r#"{"msg":"processor not found, type: helpdesk.notification.approve_v1"}"#;
const NODE_NO_HANDLE: &str = r#""no helpdesk.notification.approve_v1 event handle""#;
/// The answer to [`common::platform::CHALLENGE`].
const CHALLENGED: &str = r#"{"challenge":"chal-4711"}"#;

#[test]
fn python_sdk_with_key_and_token() {
    let Some(python) = common::sdk_python() else {
        return;
    };
    let handler = Handler::python_sdk(&python, Some(KEY), Some(TOKEN));
    // Every failure is a 500 with the exception text: the platform retries it.
    #[rustfmt::skip]
    assert_table("the Python SDK (key and token)", &run(&handler, &Platform::new(Some(KEY), TOKEN)), &[
        ("challenge, plain", 200, CHALLENGED, false),
        ("challenge, encrypted", 200, CHALLENGED, false),
        ("challenge, wrong token", 500, PY_TOKEN, false),
        ("genuine event", 200, PY_OK, true),
        ("same event again", 200, PY_OK, true),
        ("forged signature", 500, SIG_FAILED, false),
        ("tampered: other ciphertext, old signature", 500, SIG_FAILED, false),
        ("tampered: one base64 char of the last block", 500, r#"{"msg":"invalid PKCS7 padding"}"#, false),
        ("tampered: trailing newline added", 500, SIG_FAILED, false),
        ("wrong token", 500, PY_TOKEN, false),
        // With a key, the token is checked only when the event carries one.
        ("no token in the event", 200, PY_OK, true),
        ("pretty-printed, correctly signed", 200, PY_OK, true),
        ("stale timestamp (1 h old)", 200, PY_OK, true),
        ("unregistered event type", 500, PY_NO_PROCESSOR, false),
        ("non-JSON body, signed", 500, PY_NOT_JSON, false),
    ]);
    // ureq sent the header names in lower case; the SDK found them
    // (Title-Cased as by Flask), or no signature would have matched.
    let genuine = &handler.requests()[3];
    assert!(
        genuine["headers"]["x-lark-signature"].is_string(),
        "{genuine}"
    );
}

#[test]
fn python_sdk_with_token_no_key() {
    let Some(python) = common::sdk_python() else {
        return;
    };
    let handler = Handler::python_sdk(&python, None, Some(TOKEN));
    #[rustfmt::skip]
    assert_table("the Python SDK (token, no key)", &run(&handler, &Platform::new(None, TOKEN)), &[
        ("challenge, plain", 200, CHALLENGED, false),
        ("challenge, wrong token", 500, PY_TOKEN, false),
        ("genuine event", 200, PY_OK, true),
        ("same event again", 200, PY_OK, true),
        ("tampered: a field changed", 200, PY_OK, true),
        ("wrong token", 500, PY_TOKEN, false),
        // Without a key, a missing token fails too.
        ("no token in the event", 500, PY_TOKEN, false),
        ("pretty-printed, correctly signed", 200, PY_OK, true),
        ("stale timestamp (1 h old)", 200, PY_OK, true),
        ("unregistered event type", 500, PY_NO_PROCESSOR, false),
        ("non-JSON body, signed", 500, PY_NOT_JSON, false),
    ]);
}

#[test]
fn node_sdk_with_key_and_token() {
    let Some(node) = common::sdk_node() else {
        return;
    };
    let handler = Handler::node_sdk(&node, Some(KEY), Some(TOKEN));
    // 200 to everything that does not kill it: a failed signature check
    // answers an empty body (`JSON.stringify(undefined)`), as does a handled
    // event whose function returns nothing. The token is never checked, and
    // the signature is over JSON.stringify(parsed body), not the raw bytes.
    #[rustfmt::skip]
    assert_table("the Node SDK (key and token)", &run(&handler, &Platform::new(Some(KEY), TOKEN)), &[
        ("challenge, plain", 200, CHALLENGED, false),
        ("challenge, encrypted", 200, CHALLENGED, false),
        ("challenge, wrong token", 200, CHALLENGED, false),
        ("genuine event", 200, "", true),
        ("same event again", 200, "", true),
        ("forged signature", 200, "", false),
        ("tampered: other ciphertext, old signature", 200, "", false),
        // autoChallenge decrypts before anything is checked; "bad decrypt"
        // rejects adaptDefault's promise, which exits a bare server.
        ("tampered: one base64 char of the last block", 0, "", false),
        ("tampered: trailing newline added", 200, "", true),
        ("wrong token", 200, "", true),
        ("no token in the event", 200, "", true),
        ("pretty-printed, correctly signed", 200, "", false),
        ("stale timestamp (1 h old)", 200, "", true),
        ("unregistered event type", 200, NODE_NO_HANDLE, false),
        ("non-JSON body, signed", 200, "", false),
    ]);
    let crashed = handler
        .requests()
        .into_iter()
        .find(|r| r["rejection"].is_string())
        .expect("the rejection is logged");
    assert_eq!(crashed["status"], Value::Null, "{crashed}");
    assert!(
        crashed["rejection"]
            .as_str()
            .unwrap()
            .contains("bad decrypt"),
        "{crashed}"
    );
    assert!(handler.running(), "the wrapper keeps serving");
}

#[test]
fn node_sdk_with_token_no_key() {
    let Some(node) = common::sdk_node() else {
        return;
    };
    let handler = Handler::node_sdk(&node, None, Some(TOKEN));
    #[rustfmt::skip]
    assert_table("the Node SDK (token, no key)", &run(&handler, &Platform::new(None, TOKEN)), &[
        ("challenge, plain", 200, CHALLENGED, false),
        ("challenge, wrong token", 200, CHALLENGED, false),
        ("genuine event", 200, "", true),
        ("same event again", 200, "", true),
        ("tampered: a field changed", 200, "", true),
        ("wrong token", 200, "", true),
        ("no token in the event", 200, "", true),
        ("pretty-printed, correctly signed", 200, "", true),
        ("stale timestamp (1 h old)", 200, "", true),
        ("unregistered event type", 200, NODE_NO_HANDLE, false),
        ("non-JSON body, signed", 200, r#""no undefined event handle""#, false),
    ]);
}

const OK: &str = r#"{"msg":"success"}"#;
const BAD_TOKEN: &str = r#"{"msg":"invalid verification token"}"#;
const NOT_JSON: &str = r#"{"msg":"body is not JSON"}"#;

fn python() -> Option<std::path::PathBuf> {
    // broken.py needs pycryptodome, which comes with lark-oapi.
    common::sdk_python()
}

#[test]
fn correct_with_key_and_token() {
    let Some(python) = python() else {
        return;
    };
    let handler = Handler::broken(&python, "correct", Some(KEY), Some(TOKEN));
    #[rustfmt::skip]
    assert_table("broken.py --kind correct (key and token)", &run(&handler, &Platform::new(Some(KEY), TOKEN)), &[
        ("challenge, plain", 200, CHALLENGED, false),
        ("challenge, encrypted", 200, CHALLENGED, false),
        ("challenge, wrong token", 401, BAD_TOKEN, false),
        ("genuine event", 200, OK, true),
        // Acknowledged, not handled twice.
        ("same event again", 200, OK, false),
        ("forged signature", 401, SIG_FAILED, false),
        ("tampered: other ciphertext, old signature", 401, SIG_FAILED, false),
        ("tampered: one base64 char of the last block", 400, r#"{"msg":"the encrypt field does not decrypt to JSON"}"#, false),
        ("tampered: trailing newline added", 401, SIG_FAILED, false),
        ("wrong token", 401, BAD_TOKEN, false),
        ("no token in the event", 401, BAD_TOKEN, false),
        ("pretty-printed, correctly signed", 200, OK, true),
        // Like every SDK, no limit on the timestamp's age.
        ("stale timestamp (1 h old)", 200, OK, true),
        // Acknowledged (no retries), logged as "unhandled".
        ("unregistered event type", 200, OK, false),
        ("non-JSON body, signed", 400, NOT_JSON, false),
    ]);
    assert_eq!(handler.records("duplicate").len(), 1);
    assert_eq!(handler.records("unhandled").len(), 1);
}

#[test]
fn correct_with_token_no_key() {
    let Some(python) = python() else {
        return;
    };
    let handler = Handler::broken(&python, "correct", None, Some(TOKEN));
    #[rustfmt::skip]
    assert_table("broken.py --kind correct (token, no key)", &run(&handler, &Platform::new(None, TOKEN)), &[
        ("challenge, plain", 200, CHALLENGED, false),
        ("challenge, wrong token", 401, BAD_TOKEN, false),
        ("genuine event", 200, OK, true),
        ("same event again", 200, OK, false),
        // Without a key there is no signature: nothing to notice.
        ("tampered: a field changed", 200, OK, true),
        ("wrong token", 401, BAD_TOKEN, false),
        ("no token in the event", 401, BAD_TOKEN, false),
        ("pretty-printed, correctly signed", 200, OK, true),
        ("stale timestamp (1 h old)", 200, OK, true),
        ("unregistered event type", 200, OK, false),
        ("non-JSON body, signed", 400, NOT_JSON, false),
    ]);
}

/// A broken handler with key and token, the platform that feeds it, and a
/// way to send one request and get (status, body, handled).
fn broken(kind: &str) -> Option<(Handler, Platform)> {
    let python = python()?;
    let handler = Handler::broken(&python, kind, Some(KEY), Some(TOKEN));
    Some((handler, Platform::new(Some(KEY), TOKEN)))
}

fn answer(handler: &Handler, request: &Request) -> (u16, String, bool) {
    let (answer, handled) = send(handler, request);
    let answer = answer.expect("an answer");
    (answer.status, answer.body, handled)
}

fn forged(platform: &Platform, id: &str) -> Request {
    let mut request = platform.signed(platform.wrap(&platform.ticket(id)));
    request.set_header("X-Lark-Signature", &"0".repeat(64));
    request
}

fn wrong_token(platform: &Platform, id: &str) -> Request {
    let event = platform.event(id, Some("wrong-token"), "helpdesk.ticket.updated_v1");
    platform.signed(platform.wrap(&event))
}

fn genuine(platform: &Platform, id: &str) -> Request {
    platform.signed(platform.wrap(&platform.ticket(id)))
}

#[test]
fn accept_all_takes_forged_signatures_and_wrong_tokens() {
    let Some((h, p)) = broken("accept_all") else {
        return;
    };
    assert_eq!(answer(&h, &forged(&p, "ev-1")), (200, OK.into(), true));
    assert_eq!(answer(&h, &wrong_token(&p, "ev-2")), (200, OK.into(), true));
    let bad = p.challenge("wrong-token", true);
    assert_eq!(answer(&h, &bad), (200, CHALLENGED.into(), false));
}

#[test]
fn reserialize_rejects_a_pretty_printed_body_it_should_take() {
    let Some((h, p)) = broken("reserialize") else {
        return;
    };
    let wrapped: Value = serde_json::from_slice(&p.wrap(&p.ticket("ev-pretty"))).unwrap();
    let pretty = p.signed(serde_json::to_vec_pretty(&wrapped).unwrap());
    assert_eq!(answer(&h, &pretty), (401, SIG_FAILED.into(), false));
    assert_eq!(
        answer(&h, &genuine(&p, "ev-compact")),
        (200, OK.into(), true)
    );
    // And takes a body changed after signing, as long as it parses the same.
    let mut newline = genuine(&p, "ev-newline");
    newline.body.push(b'\n');
    assert_eq!(answer(&h, &newline), (200, OK.into(), true));
}

#[test]
fn slow_answers_events_after_the_platforms_3_s() {
    let Some((h, p)) = broken("slow") else {
        return;
    };
    let started = Instant::now();
    assert_eq!(answer(&h, &p.challenge(TOKEN, true)).0, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "challenge at once"
    );
    let started = Instant::now();
    assert_eq!(answer(&h, &genuine(&p, "ev-1")), (200, OK.into(), true));
    assert!(started.elapsed() >= Duration::from_millis(3500));
}

#[test]
fn bad_challenge_echoes_the_challenge_reversed() {
    let Some((h, p)) = broken("bad_challenge") else {
        return;
    };
    let reversed = r#"{"challenge":"1174-lahc"}"#;
    assert_eq!(
        answer(&h, &p.challenge(TOKEN, true)),
        (200, reversed.into(), false)
    );
    assert_eq!(answer(&h, &genuine(&p, "ev-1")), (200, OK.into(), true));
}

#[test]
fn dup_500_fails_a_redelivery() {
    let Some((h, p)) = broken("dup_500") else {
        return;
    };
    let first = genuine(&p, "ev-1");
    assert_eq!(answer(&h, &first), (200, OK.into(), true));
    let again = p.signed(first.body);
    let dup = r#"{"msg":"duplicate event"}"#;
    assert_eq!(answer(&h, &again), (500, dup.into(), false));
    assert_eq!(answer(&h, &genuine(&p, "ev-2")), (200, OK.into(), true));
}

#[test]
fn silent_drop_answers_200_and_nothing_to_a_forgery() {
    let Some((h, p)) = broken("silent_drop") else {
        return;
    };
    assert_eq!(answer(&h, &forged(&p, "ev-1")), (200, String::new(), false));
    assert_eq!(
        answer(&h, &wrong_token(&p, "ev-2")),
        (200, String::new(), false)
    );
    assert_eq!(answer(&h, &genuine(&p, "ev-3")), (200, OK.into(), true));
    let garbage = p.signed(b"this is not json".to_vec());
    assert_eq!(answer(&h, &garbage), (400, NOT_JSON.into(), false));
}

#[test]
fn no_token_check_takes_a_wrong_token_but_not_a_forgery() {
    let Some((h, p)) = broken("no_token_check") else {
        return;
    };
    assert_eq!(answer(&h, &wrong_token(&p, "ev-1")), (200, OK.into(), true));
    assert_eq!(
        answer(&h, &forged(&p, "ev-2")),
        (401, SIG_FAILED.into(), false)
    );
    let bad = p.challenge("wrong-token", true);
    assert_eq!(answer(&h, &bad), (200, CHALLENGED.into(), false));
}
