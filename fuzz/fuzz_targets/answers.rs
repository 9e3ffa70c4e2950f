//! What `check` and `send` read from the user's handler: any status and
//! body, judged by every check, shown in a table and as JSON. A handler is
//! untrusted like any other input: no panic, no control character in the
//! table.

#![no_main]

use std::time::Duration;

use lark_ticket::drive::battery::Check;
use lark_ticket::drive::http::{Answer, NoAnswer};
use lark_ticket::drive::judge;
use lark_ticket::render::Style;
use lark_ticket::render::drive::{Sent, check_json, check_table, sent_json, sent_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, body)) = data.split_first() else {
        return;
    };
    let status = [200, 201, 204, 301, 400, 401, 404, 500, 502, 0, 999][usize::from(knob) % 11];
    let elapsed = Duration::from_millis(u64::from(knob) * 37);
    let answer: Result<Answer, NoAnswer> = if knob % 13 == 0 {
        Err(NoAnswer {
            why: String::from_utf8_lossy(body).into_owned(),
            elapsed,
            timed_out: knob & 1 == 0,
        })
    } else {
        Ok(Answer {
            status,
            body: body.to_vec(),
            elapsed,
        })
    };
    let genuine = Answer {
        status: 200,
        body: b"{\"msg\":\"success\"}".to_vec(),
        elapsed,
    };
    let sent = std::str::from_utf8(body).unwrap_or("c");
    let judged = [
        judge::challenge(&answer, sent),
        judge::accepted(&answer),
        judge::redelivery(&answer),
        judge::rejection(&answer, Some(&genuine), "x"),
        judge::token_with_signature(&answer),
        judge::raw_body(&answer, Some(&genuine), answer.as_ref().ok()),
        judge::stale(&answer),
        judge::unknown_type(&answer),
        judge::garbage(&answer),
    ];
    let checks: Vec<Check> = judged
        .into_iter()
        .map(|j| Check {
            name: "fuzz",
            status: j.status,
            http_status: answer.as_ref().ok().map(|a| a.status),
            elapsed: Some(elapsed),
            detail: j.detail,
        })
        .collect();
    let style = Style::new(false, Default::default(), jiff::tz::TimeZone::UTC);
    let mut table = Vec::new();
    check_table(&mut table, &style, Some(80), "http://127.0.0.1/x", &checks).expect("written");
    let s = Sent {
        source: "f:1",
        answer: answer.as_ref(),
    };
    sent_line(&mut table, &style, &s).expect("written");
    let text = String::from_utf8(table).expect("UTF-8");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the table: {text:?}"
    );
    let _ = check_json("u", &checks).to_string();
    let _ = sent_json(&s).to_string();
});
