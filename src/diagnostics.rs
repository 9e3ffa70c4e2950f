//! The one channel for warnings and errors: every line the tool writes to
//! stderr goes through here, made safe for the terminal (a message quotes
//! input: file names, JSON paths, excerpts, header values), and the
//! [`Reporter`] counts what it writes so the exit status can be decided at
//! the end.

use std::fmt::Display;
use std::io::{self, Write};

use crate::exit::ExitStatus;
use crate::input::{Location, RecordError};
use crate::sanitize::escape;

/// Writes `lark-ticket: {kind}{message}` to stderr, with every control
/// character from input escaped.
fn line(kind: &str, message: impl Display) {
    let text = message.to_string();
    let _ = writeln!(io::stderr().lock(), "lark-ticket: {kind}{}", escape(&text));
}

/// An error that is not a record's (arguments, settings, a failed run).
pub fn error(message: impl Display) {
    line("error: ", message);
}

/// A warning that is not a record's.
pub fn warning(message: impl Display) {
    line("warning: ", message);
}

/// A likely fix, after the error or warning it belongs to.
pub fn hint(message: impl Display) {
    line("hint: ", message);
}

/// A note: something worth knowing that is neither wrong nor risky.
pub fn note(message: impl Display) {
    line("note: ", message);
}

/// A status line of a long-running command (`listening on ...`).
pub fn status(message: impl Display) {
    line("", message);
}

/// Errors and warnings about records, counted so the exit status can be
/// decided at the end.
#[derive(Debug, Default)]
pub struct Reporter {
    pub errors: usize,
    pub warnings: usize,
}

impl Reporter {
    pub fn error(&mut self, e: &RecordError) {
        self.errors += 1;
        error(e);
        if let Some(h) = &e.hint {
            hint(h);
        }
    }

    pub fn warning(&mut self, location: &Location, message: impl Display) {
        self.warnings += 1;
        warning(format_args!("{location}: {message}"));
    }

    /// A warning about the run rather than a record (a connection that
    /// failed, a risky setting), counted with the others.
    pub fn warning_of_run(&mut self, message: impl Display) {
        self.warnings += 1;
        warning(message);
    }

    /// Error when any record failed, else the given status.
    pub fn status(&self, otherwise: ExitStatus) -> ExitStatus {
        if self.errors > 0 {
            ExitStatus::Error
        } else {
            otherwise
        }
    }
}

/// How to give the Encrypt Key, said wherever one is needed and missing.
pub const ENCRYPT_KEY_HINT: &str =
    "set LARK_ENCRYPT_KEY, or pass --encrypt-key-file PATH (or --encrypt-key KEY)";
