//! Lenient field reading: every payload field is optional in practice, and a
//! field of the wrong type is kept when it can be and reported as an issue
//! (a warning, and a deviation for `parse --strict`). Paths are only built
//! when there is an issue to report.

use super::labels::{CodeKind, Lang};
use crate::json::{Kind, Nested, NestedList, Scalar};

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
    pub fn string(
        &mut self,
        value: Option<&Scalar<'_>>,
        path: &Path<'_>,
        key: &str,
    ) -> Option<String> {
        match value? {
            Scalar::Null => None,
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::Int(i) => {
                self.wrong_type(path.join(key), "a string", Kind::Number);
                Some(i.to_string())
            }
            Scalar::Number(n) => {
                self.wrong_type(path.join(key), "a string", Kind::Number);
                Some(n.to_string())
            }
            other => {
                self.wrong_type(path.join(key), "a string", other.kind());
                None
            }
        }
    }

    /// A string or a number, both documented forms (`position`).
    pub fn string_or_number(
        &mut self,
        value: Option<&Scalar<'_>>,
        path: &Path<'_>,
        key: &str,
    ) -> Option<String> {
        match value? {
            Scalar::Null => None,
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::Int(i) => Some(i.to_string()),
            Scalar::Number(n) => Some(n.to_string()),
            other => {
                self.wrong_type(path.join(key), "a string or a number", other.kind());
                None
            }
        }
    }

    /// An integer field; numeric strings are kept.
    pub fn int(&mut self, value: Option<&Scalar<'_>>, path: &Path<'_>, key: &str) -> Option<i64> {
        match value? {
            Scalar::Null => None,
            Scalar::Int(i) => Some(*i),
            Scalar::Number(n) => {
                self.warn(path.join(key), format!("expected an integer, found {n}"));
                None
            }
            Scalar::Str(s) => {
                self.wrong_type(path.join(key), "an integer", Kind::String);
                s.trim().parse::<i64>().ok()
            }
            other => {
                self.wrong_type(path.join(key), "an integer", other.kind());
                None
            }
        }
    }

    pub fn boolean(
        &mut self,
        value: Option<&Scalar<'_>>,
        path: &Path<'_>,
        key: &str,
    ) -> Option<bool> {
        match value? {
            Scalar::Null => None,
            Scalar::Bool(b) => Some(*b),
            other => {
                self.wrong_type(path.join(key), "a boolean", other.kind());
                None
            }
        }
    }

    /// An enum-coded integer; a value outside the table keeps its number and
    /// adds a warning.
    pub fn code(
        &mut self,
        value: Option<&Scalar<'_>>,
        path: &Path<'_>,
        key: &str,
        kind: CodeKind,
    ) -> Option<i64> {
        let n = self.int(value, path, key)?;
        if kind.label(n, Lang::En).is_none() {
            self.warn(path.join(key), format!("unknown {} value {n}", kind.name()));
        }
        Some(n)
    }

    /// A nested object; anything else is an issue.
    pub fn object<'v, T>(
        &mut self,
        value: Option<&'v Nested<T>>,
        path: &Path<'_>,
        key: &str,
    ) -> Option<&'v T> {
        match value? {
            Nested::Value(v) => Some(v),
            Nested::Wrong(Kind::Null) => None,
            Nested::Wrong(kind) => {
                self.wrong_type(path.join(key), "an object", *kind);
                None
            }
        }
    }

    /// A nested array; anything else is an issue.
    pub fn array<'v, T>(
        &mut self,
        value: Option<&'v NestedList<T>>,
        path: &Path<'_>,
        key: &str,
    ) -> Option<&'v [Nested<T>]> {
        match value? {
            NestedList::Items(items) => Some(items),
            NestedList::Wrong(Kind::Null) => None,
            NestedList::Wrong(kind) => {
                self.wrong_type(path.join(key), "an array", *kind);
                None
            }
        }
    }

    /// A field the schema requires (for `--strict`).
    pub fn require(&mut self, present: bool, path: &Path<'_>, key: &str) {
        if !present {
            self.deviate(path.join(key), "missing");
        }
    }
}

/// Whether a field holds something other than null.
pub fn present(value: Option<&Scalar<'_>>) -> bool {
    value.is_some_and(|v| *v != Scalar::Null)
}

/// A JSON path, built lazily: only an issue turns it into a string.
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    pub const ROOT: Path<'static> = Path {
        parent: None,
        seg: Seg::Root,
    };

    /// A top-level key.
    pub const fn top(key: &'a str) -> Path<'a> {
        Path {
            parent: None,
            seg: Seg::Key(key),
        }
    }

    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Index(index),
        }
    }

    /// The path of `key` under this one, as a string.
    pub fn join(&self, key: &str) -> String {
        self.key(key).to_string()
    }

    fn is_root(&self) -> bool {
        self.parent.is_none() && matches!(self.seg, Seg::Root)
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        let top = self.parent.is_none_or(Path::is_root);
        match self.seg {
            Seg::Root => Ok(()),
            Seg::Key(key) if top => f.write_str(key),
            Seg::Key(key) => write!(f, ".{key}"),
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_jq() {
        let event = Path::top("event");
        let object = event.key("object");
        let agents = object.key("agents");
        assert_eq!(agents.index(2).join("name"), "event.object.agents[2].name");
        assert_eq!(Path::ROOT.join("uuid"), "uuid");
        assert_eq!(Path::ROOT.key("header").join("token"), "header.token");
    }
}
