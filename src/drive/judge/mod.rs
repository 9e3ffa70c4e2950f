//! What an answer says about the handler, check by check: a status and a
//! detail a person can act on. A handler is judged only by its answers. The
//! answers that show whether it authenticates requests are judged in
//! `authentication.rs`.

use std::time::Duration;

use serde_json::Value;

mod authentication;

use super::http::{Answer, NoAnswer};
pub use authentication::{raw_body, rejection, stale, token_with_signature};

/// The platform's deadline for a challenge.
pub const CHALLENGE_DEADLINE: Duration = Duration::from_secs(1);
/// The platform's deadline for an event.
pub const EVENT_DEADLINE: Duration = Duration::from_secs(3);

/// Ordered from harmless to worst, so the worst of several is the max.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Skip,
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Skip => "skip",
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    pub status: Status,
    pub detail: String,
}

impl Judged {
    pub fn new(status: Status, detail: impl Into<String>) -> Judged {
        Judged {
            status,
            detail: detail.into(),
        }
    }
}

/// The longest part of an answer's body quoted in a detail.
const QUOTED: usize = 80;

/// `HTTP 401 "body..."`.
fn said(a: &Answer) -> String {
    let body = excerpt(&a.body, QUOTED);
    if body.is_empty() {
        format!("HTTP {} with an empty body", a.status)
    } else {
        format!("HTTP {} {body}", a.status)
    }
}

/// An answer's body on one line ([`one_line`]), cut at `most` characters.
pub fn excerpt(body: &[u8], most: usize) -> String {
    let body = one_line(&String::from_utf8_lossy(body));
    match body.char_indices().nth(most) {
        Some((i, _)) => format!("{}...", &body[..i]),
        None => body,
    }
}

/// An answer's text on one line: line breaks and tabs written as `\n`,
/// `\r`, `\t`.
pub fn one_line(text: &str) -> String {
    text.replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t")
}

fn ms(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn no_answer(e: &NoAnswer) -> Judged {
    Judged::new(Status::Fail, format!("no answer: {}", one_line(&e.why)))
}

pub fn challenge(answer: &Result<Answer, NoAnswer>, sent: &str) -> Judged {
    let a = match answer {
        Ok(a) => a,
        Err(e) => return no_answer(e),
    };
    let fail = |why: String| Judged::new(Status::Fail, why);
    if a.status != 200 {
        return fail(format!(
            "{}; the platform needs 200 with {{\"challenge\":...}} to save the request URL",
            said(a)
        ));
    }
    let value: Value = match serde_json::from_slice(&a.body) {
        Ok(v) => v,
        Err(_) => return fail(format!("{}: the body is not JSON", said(a))),
    };
    match value.get("challenge") {
        None => fail(format!("{}: the body has no \"challenge\" field", said(a))),
        Some(Value::String(c)) if c == sent => {
            if a.elapsed > CHALLENGE_DEADLINE {
                fail(format!(
                    "the right challenge, but after {}: the platform waits {} s",
                    ms(a.elapsed),
                    CHALLENGE_DEADLINE.as_secs()
                ))
            } else {
                Judged::new(
                    Status::Pass,
                    format!("the challenge echoed in {}", ms(a.elapsed)),
                )
            }
        }
        Some(other) => fail(format!(
            "\"challenge\" is {other}, not the {sent:?} sent (an encrypted challenge must be \
             decrypted first)"
        )),
    }
}

pub fn accepted(answer: &Result<Answer, NoAnswer>) -> Judged {
    match answer {
        Err(e) => no_answer(e),
        Ok(a) if !a.is_success() => Judged::new(
            Status::Fail,
            format!(
                "{}: a genuine event was refused; the platform pushes it again",
                said(a)
            ),
        ),
        Ok(a) if a.elapsed > EVENT_DEADLINE => Judged::new(
            Status::Warn,
            format!(
                "accepted after {}: the platform waits {} s, then pushes the event again",
                ms(a.elapsed),
                EVENT_DEADLINE.as_secs()
            ),
        ),
        Ok(a) => Judged::new(Status::Pass, format!("{} in {}", said(a), ms(a.elapsed))),
    }
}

pub fn redelivery(answer: &Result<Answer, NoAnswer>) -> Judged {
    match answer {
        Err(e) => no_answer(e),
        Ok(a) if a.is_success() => Judged::new(
            Status::Pass,
            format!("the same event_id again: {}", said(a)),
        ),
        Ok(a) => Judged::new(
            Status::Fail,
            format!(
                "{} to the same event_id again: a handler that errors on a duplicate makes the \
                 platform push it for hours; answer 2xx and skip the work",
                said(a)
            ),
        ),
    }
}

pub fn unknown_type(answer: &Result<Answer, NoAnswer>) -> Judged {
    match answer {
        Err(e) => no_answer(e),
        Ok(a) if a.is_success() => Judged::new(
            Status::Pass,
            format!("an event type it may not handle: {}", said(a)),
        ),
        Ok(a) => Judged::new(
            Status::Warn,
            format!(
                "helpdesk.notification.approve_v1 got {}: the platform pushes it again for \
                 hours (the Go and Python SDKs answer 500 for types nobody registered); answer \
                 2xx to every event you do not handle",
                said(a)
            ),
        ),
    }
}

pub fn garbage(answer: &Result<Answer, NoAnswer>) -> Judged {
    match answer {
        Err(e) if e.timed_out => Judged::new(
            Status::Fail,
            format!(
                "no answer within {} to a body that is not JSON",
                ms(e.elapsed)
            ),
        ),
        Err(e) => no_answer(e),
        Ok(a) if (400..500).contains(&a.status) => Judged::new(
            Status::Pass,
            format!("a body that is not JSON: refused with {}", said(a)),
        ),
        Ok(a) => Judged::new(
            Status::Warn,
            format!(
                "a body that is not JSON got {}: a 4xx says the request was bad{}",
                said(a),
                if a.is_success() {
                    ""
                } else {
                    " (a 5xx says the handler failed)"
                }
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(status: u16, body: &str) -> Result<Answer, NoAnswer> {
        Ok(Answer {
            status,
            body: body.as_bytes().to_vec(),
            elapsed: Duration::from_millis(5),
        })
    }

    #[test]
    fn rejections_are_judged_against_the_genuine_answer() {
        let genuine = ok(200, "{\"msg\":\"success\"}").unwrap();
        let r = |a| rejection(&a, Some(&genuine), "x").status;
        assert_eq!(r(ok(401, "")), Status::Pass);
        assert_eq!(r(ok(200, "{\"msg\":\"success\"}")), Status::Fail);
        assert_eq!(r(ok(200, "")), Status::Warn);
        assert_eq!(r(ok(500, "boom")), Status::Pass);
    }

    #[test]
    fn challenges() {
        assert_eq!(
            challenge(&ok(200, r#"{"challenge":"c"}"#), "c").status,
            Status::Pass
        );
        let wrong = challenge(&ok(200, r#"{"challenge":"x"}"#), "c");
        assert_eq!(wrong.status, Status::Fail);
        assert!(
            wrong.detail.contains("not the \"c\" sent"),
            "{}",
            wrong.detail
        );
        assert!(challenge(&ok(200, "c"), "c").detail.contains("not JSON"));
        assert!(challenge(&ok(401, ""), "c").detail.contains("HTTP 401"));
        let mut slow = ok(200, r#"{"challenge":"c"}"#).unwrap();
        slow.elapsed = Duration::from_millis(1500);
        assert_eq!(challenge(&Ok(slow), "c").status, Status::Fail);
    }

    #[test]
    fn the_rest() {
        let mut slow = ok(200, "").unwrap();
        slow.elapsed = Duration::from_secs(4);
        assert_eq!(accepted(&Ok(slow)).status, Status::Warn);
        assert_eq!(accepted(&ok(500, "")).status, Status::Fail);
        assert_eq!(redelivery(&ok(500, "")).status, Status::Fail);
        assert_eq!(token_with_signature(&ok(200, "")).status, Status::Warn);
        let (g, f) = (ok(200, "").unwrap(), ok(401, "").unwrap());
        assert_eq!(
            raw_body(&ok(401, ""), Some(&g), Some(&f)).status,
            Status::Warn
        );
        assert_eq!(
            raw_body(&ok(200, ""), Some(&g), Some(&f)).status,
            Status::Pass
        );
        assert_eq!(
            raw_body(&ok(200, ""), Some(&g), Some(&g)).status,
            Status::Skip
        );
        assert_eq!(stale(&ok(401, "")).status, Status::Pass);
        assert_eq!(unknown_type(&ok(500, "")).status, Status::Warn);
        assert_eq!(garbage(&ok(400, "")).status, Status::Pass);
        assert_eq!(garbage(&ok(200, "")).status, Status::Warn);
        let timeout = NoAnswer {
            why: "t".into(),
            elapsed: Duration::from_secs(10),
            timed_out: true,
        };
        assert_eq!(garbage(&Err(timeout)).status, Status::Fail);
        assert!(Status::Fail > Status::Warn && Status::Warn > Status::Pass);
        assert_eq!(one_line("a\nb\t\"c\""), "a\\nb\\t\"c\"");
        assert!(accepted(&ok(500, "x\ny")).detail.contains("x\\ny"));
    }
}
