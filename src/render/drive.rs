//! What `send` and `check` print: one line (or JSON object) per request
//! sent, and `check`'s table of checks with its closing verdict.

use std::io::{self, Write};
use std::time::Duration;

use serde_json::{Value, json};

use super::table::new_table;
use super::{Style, text};
use crate::drive::battery::{Check, Status};
use crate::drive::http::{Answer, NoAnswer};
use crate::drive::judge::{excerpt, one_line};

/// The longest answer body shown in a line.
const SHOWN_BODY: usize = 100;

/// One request `send` made: where its record was, and what came back.
pub struct Sent<'a> {
    pub source: &'a str,
    pub answer: Result<&'a Answer, &'a NoAnswer>,
}

fn millis(d: Duration) -> u128 {
    d.as_millis()
}

/// `{"source","status","elapsed_ms","response","error"}`.
pub fn sent_json(s: &Sent<'_>) -> Value {
    match s.answer {
        Ok(a) => json!({
            "source": s.source,
            "status": a.status,
            "elapsed_ms": millis(a.elapsed),
            "response": String::from_utf8_lossy(&a.body),
            "error": null,
        }),
        Err(e) => json!({
            "source": s.source,
            "status": null,
            "elapsed_ms": millis(e.elapsed),
            "response": null,
            "error": e.why,
        }),
    }
}

/// `SOURCE  STATUS  TIME  BODY`, the body made safe and shortened.
pub fn sent_line(out: &mut dyn Write, style: &Style, s: &Sent<'_>) -> io::Result<()> {
    let source = style.bold(&text(s.source));
    match s.answer {
        Ok(a) => {
            let status = a.status.to_string();
            let status = if a.is_success() {
                style.green(&status)
            } else {
                style.red(&status)
            };
            writeln!(
                out,
                "{source}  {status}  {}  {}",
                style.dim(&format!("{} ms", millis(a.elapsed))),
                text(&excerpt(&a.body, SHOWN_BODY))
            )
        }
        Err(e) => writeln!(
            out,
            "{source}  {}  {}  {}",
            style.red("---"),
            style.dim(&format!("{} ms", millis(e.elapsed))),
            text(&one_line(&e.why))
        ),
    }
}

/// Whether no check failed.
pub fn ok(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != Status::Fail)
}

/// `{"url","ok","checks":[{"name","status","http_status","elapsed_ms","detail"}]}`.
pub fn check_json(url: &str, checks: &[Check]) -> Value {
    let rows: Vec<Value> = checks
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "status": c.status,
                "http_status": c.http_status,
                "elapsed_ms": c.elapsed.map(millis),
                "detail": c.detail,
            })
        })
        .collect();
    json!({ "url": url, "ok": ok(checks), "checks": rows })
}

/// The table: check, status, answer, time, detail; then the verdict.
pub fn check_table(
    out: &mut dyn Write,
    style: &Style,
    width: Option<usize>,
    url: &str,
    checks: &[Check],
) -> io::Result<()> {
    writeln!(out, "{}", style.bold(&text(url)))?;
    let mut table = new_table(width);
    table.set_header(["check", "status", "answer", "time", "detail"]);
    for c in checks {
        let status = match c.status {
            Status::Pass => style.green("pass"),
            Status::Warn => style.yellow("warn"),
            Status::Fail => style.red("fail"),
            Status::Skip => style.dim("skip"),
        };
        let answer = c
            .http_status
            .map_or_else(|| style.dim("-"), |s| s.to_string());
        let time = c
            .elapsed
            .map_or_else(|| style.dim("-"), |d| format!("{} ms", millis(d)));
        table.add_row([c.name.to_string(), status, answer, time, text(&c.detail)]);
    }
    writeln!(out, "{table}")?;
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let summary = format!(
        "{} passed, {} warned, {} failed, {} skipped",
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Skip)
    );
    let verdict = if ok(checks) {
        style.green(&format!("ok: {summary}"))
    } else {
        style.red(&format!("FAILED: {summary}"))
    };
    writeln!(out, "{verdict}")
}
