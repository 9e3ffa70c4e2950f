//! A verdict for people (a table of checks, then the diagnosis) and for
//! scripts (one JSON object per request).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Status, Verdict};
use crate::input::Location;
use crate::render::Style;
use crate::render::table::new_table;

/// `{"source","ok","checks","expected_signature","received_signature","diagnosis"}`.
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
    writeln!(out, "{} {}", style.bold(&location.to_string()), outcome)?;
    let mut table = new_table(width);
    for check in &verdict.checks {
        let status = match check.status {
            Status::Pass => style.green("pass"),
            Status::Fail => style.red("fail"),
            Status::Skip => style.dim("skip"),
        };
        table.add_row(vec![check.name.to_string(), status, check.detail.clone()]);
    }
    writeln!(out, "{table}")?;
    let Some(diagnosis) = &verdict.diagnosis else {
        return Ok(());
    };
    let dash = || style.dim("-");
    writeln!(
        out,
        "expected  {}",
        verdict.expected_signature.clone().unwrap_or_else(dash)
    )?;
    writeln!(
        out,
        "received  {}",
        verdict.received_signature.clone().unwrap_or_else(dash)
    )?;
    let cause = diagnosis
        .cause
        .map_or_else(|| style.yellow("no known cause"), |c| style.yellow(c));
    writeln!(out, "diagnosis {cause}: {}", diagnosis.message)
}
