//! Where a record comes from, and errors that name it.

use std::fmt;
use std::sync::Arc;

/// `FILE:LINE` of a record (`-` is stdin). Line 0 names the whole file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub source: Arc<str>,
    pub line: u64,
}

impl Location {
    pub fn new(source: Arc<str>, line: u64) -> Self {
        Location { source, line }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.source)
        } else {
            write!(f, "{}:{}", self.source, self.line)
        }
    }
}

/// A record that could not be processed: where, why, and what might fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    pub location: Location,
    pub message: String,
    pub hint: Option<String>,
}

impl RecordError {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        RecordError {
            location,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: Option<impl Into<String>>) -> Self {
        self.hint = hint.map(Into::into);
        self
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for RecordError {}
