//! Lenient field reading: every payload field is optional in practice, and a
//! field of the wrong type is kept when it can be and reported as an issue
//! (a warning, and a deviation for `parse --strict`). Paths are only built
//! when there is an issue to report.

use super::labels::{CodeKind, Lang};
use super::raw::{Kind, Nested, NestedList, Scalar};

/// A way the payload departs from the documented schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// JSON path, e.g. `event.object.status`.
    pub path: String,
    pub message: String,
    /// Also a warning (shown without `--strict`), not only a deviation.
    pub warn: bool,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Collects issues while fields are read.
#[derive(Debug, Default)]
pub struct Issues(pub Vec<Issue>);

impl Issues {
    pub fn warn(&mut self, path: String, message: impl Into<String>) {
        self.0.push(Issue {
            path,
            message: message.into(),
            warn: true,
        });
    }

    pub fn deviate(&mut self, path: String, message: impl Into<String>) {
        self.0.push(Issue {
            path,
            message: message.into(),
            warn: false,
        });
    }

    pub fn wrong_type(&mut self, path: String, expected: &str, found: Kind) {
        self.warn(path, format!("expected {expected}, found {}", found.name()));
    }

    /// A string field; numbers are kept as their text.
    pub fn string(&mut self, value: Option<&Scalar<'_>>, path: &str, key: &str) -> Option<String> {
        match value? {
            Scalar::Null => None,
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::Int(i) => {
                self.wrong_type(join(path, key), "a string", Kind::Number);
                Some(i.to_string())
            }
            Scalar::Number(n) => {
                self.wrong_type(join(path, key), "a string", Kind::Number);
                Some(n.to_string())
            }
            other => {
                self.wrong_type(join(path, key), "a string", other.kind());
                None
            }
        }
    }

    /// A string or a number, both documented forms (`position`).
    pub fn string_or_number(
        &mut self,
        value: Option<&Scalar<'_>>,
        path: &str,
        key: &str,
    ) -> Option<String> {
        match value? {
            Scalar::Null => None,
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::Int(i) => Some(i.to_string()),
            Scalar::Number(n) => Some(n.to_string()),
            other => {
                self.wrong_type(join(path, key), "a string or a number", other.kind());
                None
            }
        }
    }

    /// An integer field; numeric strings are kept.
    pub fn int(&mut self, value: Option<&Scalar<'_>>, path: &str, key: &str) -> Option<i64> {
        match value? {
            Scalar::Null => None,
            Scalar::Int(i) => Some(*i),
            Scalar::Number(n) => {
                self.warn(join(path, key), format!("expected an integer, found {n}"));
                None
            }
            Scalar::Str(s) => {
                self.wrong_type(join(path, key), "an integer", Kind::String);
                s.trim().parse::<i64>().ok()
            }
            other => {
                self.wrong_type(join(path, key), "an integer", other.kind());
                None
            }
        }
    }

    pub fn boolean(&mut self, value: Option<&Scalar<'_>>, path: &str, key: &str) -> Option<bool> {
        match value? {
            Scalar::Null => None,
            Scalar::Bool(b) => Some(*b),
            other => {
                self.wrong_type(join(path, key), "a boolean", other.kind());
                None
            }
        }
    }

    /// An enum-coded integer; a value outside the table keeps its number and
    /// adds a warning.
    pub fn code(
        &mut self,
        value: Option<&Scalar<'_>>,
        path: &str,
        key: &str,
        kind: CodeKind,
    ) -> Option<i64> {
        let n = self.int(value, path, key)?;
        if kind.label(n, Lang::En).is_none() {
            self.warn(
                join(path, key),
                format!("unknown {} value {n}", kind.name()),
            );
        }
        Some(n)
    }

    /// A nested object; anything else is an issue.
    pub fn object<'v, T>(
        &mut self,
        value: Option<&'v Nested<T>>,
        path: &str,
        key: &str,
    ) -> Option<&'v T> {
        match value? {
            Nested::Value(v) => Some(v),
            Nested::Wrong(Kind::Null) => None,
            Nested::Wrong(kind) => {
                self.wrong_type(join(path, key), "an object", *kind);
                None
            }
        }
    }

    /// A nested array; anything else is an issue.
    pub fn array<'v, T>(
        &mut self,
        value: Option<&'v NestedList<T>>,
        path: &str,
        key: &str,
    ) -> Option<&'v [Nested<T>]> {
        match value? {
            NestedList::Items(items) => Some(items),
            NestedList::Wrong(Kind::Null) => None,
            NestedList::Wrong(kind) => {
                self.wrong_type(join(path, key), "an array", *kind);
                None
            }
        }
    }

    /// A field the schema requires (for `--strict`).
    pub fn require(&mut self, present: bool, path: &str, key: &str) {
        if !present {
            self.deviate(join(path, key), "missing");
        }
    }
}

/// Whether a field holds something other than null.
pub fn present(value: Option<&Scalar<'_>>) -> bool {
    value.is_some_and(|v| *v != Scalar::Null)
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}
