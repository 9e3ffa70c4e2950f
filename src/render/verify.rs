//! `verify`'s verdict for people (a table of checks, then the diagnosis,
//! times in the reader's zone) and for scripts (one JSON object per
//! request, times in UTC).

use std::io::{self, Write};

use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use super::table::new_table;
use super::{Style, text};
use crate::input::Location;
use crate::verify::{Check, Status, Verdict};

/// `{"source","ok","checks","expected_signature","received_signature","diagnosis"}`;
/// each check's `detail` as the check wrote it (instants in UTC).
pub fn json(location: &Location, verdict: &Verdict) -> Value {
    json!({
        "source": location.to_string(),
        "ok": verdict.ok(),
        "checks": verdict.checks,
        "expected_signature": verdict.expected_signature,
        "received_signature": verdict.received_signature,
        "diagnosis": verdict.diagnosis,
    })
}

pub fn table(
    out: &mut dyn Write,
    style: &Style,
    width: Option<usize>,
    location: &Location,
    verdict: &Verdict,
) -> io::Result<()> {
    let outcome = if verdict.ok() {
        style.green("ok")
    } else {
        let failed: Vec<&str> = verdict
            .checks
            .iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| c.name)
            .collect();
        style.red(&format!("FAILED: {}", failed.join(", ")))
    };
    writeln!(
        out,
        "{} {}",
        style.bold(&text(&location.to_string())),
        outcome
    )?;
    let mut table = new_table(width);
    for check in &verdict.checks {
        let status = match check.status {
            Status::Pass => style.green("pass"),
            Status::Fail => style.red("fail"),
            Status::Skip => style.dim("skip"),
        };
        table.add_row(vec![
            check.name.to_string(),
            status,
            text(&detail(style, check)),
        ]);
    }
    writeln!(out, "{table}")?;
    let Some(diagnosis) = &verdict.diagnosis else {
        return Ok(());
    };
    let dash = || style.dim("-");
    writeln!(
        out,
        "expected  {}",
        verdict
            .expected_signature
            .as_deref()
            .map_or_else(dash, text)
    )?;
    writeln!(
        out,
        "received  {}",
        verdict
            .received_signature
            .as_deref()
            .map_or_else(dash, text)
    )?;
    // Without a cause the message starts "no known cause reproduces...".
    let name = diagnosis.cause.unwrap_or_default();
    let message = match diagnosis.cause {
        Some(name) => format!("{name}: {}", diagnosis.message),
        None => diagnosis.message.clone(),
    };
    let lines = wrap(
        &text(&message),
        width.map(|w| w.saturating_sub(INDENT.len())),
    );
    for (i, line) in lines.iter().enumerate() {
        if i == 0 && !name.is_empty() {
            // Colour the cause name only.
            let rest = line.strip_prefix(name).unwrap_or(line);
            writeln!(out, "diagnosis {}{rest}", style.yellow(name))?;
        } else if i == 0 {
            writeln!(out, "diagnosis {line}")?;
        } else {
            writeln!(out, "{INDENT}{line}")?;
        }
    }
    Ok(())
}

/// A check's detail with the instant it names (see [`crate::verify::Sent`])
/// written in the reader's zone.
fn detail(style: &Style, check: &Check) -> String {
    let Some(sent) = &check.sent else {
        return check.detail.clone();
    };
    let (Some(ms), Some(before), Some(after)) = (
        sent.seconds.checked_mul(1000),
        check.detail.get(..sent.written.start),
        check.detail.get(sent.written.end..),
    ) else {
        return check.detail.clone();
    };
    format!("{before}{}{after}", style.time(ms))
}

/// As wide as "diagnosis ", so wrapped lines align under the message.
const INDENT: &str = "          ";

/// Greedy word wrap to `width` columns (no wrap when the width is unknown).
fn wrap(text: &str, width: Option<usize>) -> Vec<String> {
    let Some(width) = width.filter(|w| *w >= 20) else {
        return vec![text.to_string()];
    };
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use jiff::tz::{TimeZone, offset};

    use super::*;
    use crate::event::Lang;
    use crate::verify::{Clock, Content, Request, Secrets, verify};

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("aaa bbb ccc", None), ["aaa bbb ccc"]);
        assert_eq!(
            wrap("aaaa bbbb cccc dddd eeee ffff", Some(20)),
            ["aaaa bbbb cccc dddd", "eeee ffff"]
        );
    }

    #[test]
    fn the_table_writes_the_instant_in_the_readers_zone() {
        let key = crate::secret::Secret::new("k");
        let request = Request {
            timestamp: Some("1700000000"),
            nonce: None,
            signature: None,
            body: b"{}",
            value: None,
            transport: crate::record::Transport::Http,
        };
        let secrets = Secrets {
            key: Some(&key),
            token: None,
        };
        let clock = Clock {
            now: 1_700_000_042,
            max_age: None,
        };
        let verdict = verify(&request, &Content::NotAnEvent, secrets, clock).expect("a key");
        let check = verdict.check("timestamp").expect("a timestamp check");
        let utc = "sent 2023-11-14T22:13:20Z, 42 s ago; age not checked (no --max-age)";
        assert_eq!(check.detail, utc);
        let at = |tz| detail(&Style::new(false, Lang::En, tz), check);
        assert_eq!(at(TimeZone::UTC), utc);
        assert_eq!(
            at(TimeZone::fixed(offset(8))),
            "sent 2023-11-15T06:13:20+08:00, 42 s ago; age not checked (no --max-age)"
        );
        let location = Location::new(std::sync::Arc::from("t"), 1);
        assert!(json(&location, &verdict).to_string().contains(utc));
    }
}
