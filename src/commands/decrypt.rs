//! `decrypt`: encrypted payloads -> the exact plaintext.

use std::io::Write;

use super::{Reporter, decode, each_record};
use crate::cli::DecryptArgs;
use crate::exit::ExitStatus;
use crate::input::RecordError;
use crate::pipeline::Item;
use crate::settings::Settings;

pub fn run(
    args: &DecryptArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    // Workers decrypt and lay out each record; the output is written in
    // input order.
    let work = |item: Item| -> Result<Vec<u8>, RecordError> {
        let record = decode(item, settings)?;
        let mut bytes = if args.pretty {
            // A Value always serializes.
            serde_json::to_vec_pretty(record.value()?).unwrap_or_default()
        } else {
            record.plaintext_bytes().to_vec()
        };
        bytes.push(b'\n');
        Ok(bytes)
    };
    let consume = |result: Result<Vec<u8>, RecordError>| -> anyhow::Result<()> {
        match result {
            Ok(bytes) => out.write_all(&bytes)?,
            Err(e) => report.error(&e),
        }
        Ok(())
    };
    each_record(&args.input.files, settings, work, consume)?;
    Ok(report.status(ExitStatus::Success))
}
