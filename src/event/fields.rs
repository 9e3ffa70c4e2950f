//! Lenient field reading: every payload field is optional in practice, and a
//! field of the wrong type is kept when it can be and reported as an issue
//! (a warning, and a deviation for `parse --strict`).

use serde_json::{Map, Value};

use super::labels::{CodeKind, Lang};

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

    fn wrong_type(&mut self, path: String, expected: &str, found: &Value) {
        self.warn(
            path,
            format!("expected {expected}, found {}", type_name(found)),
        );
    }

    /// A string field; numbers are kept as their text.
    pub fn string(&mut self, obj: &Map<String, Value>, key: &str, path: &str) -> Option<String> {
        match obj.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            v @ Value::Number(n) => {
                self.wrong_type(join(path, key), "a string", v);
                Some(n.to_string())
            }
            v => {
                self.wrong_type(join(path, key), "a string", v);
                None
            }
        }
    }

    /// A string or a number, both documented forms (`position`).
    pub fn string_or_number(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<String> {
        match obj.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            v => {
                self.wrong_type(join(path, key), "a string or a number", v);
                None
            }
        }
    }

    /// An integer field; numeric strings are kept.
    pub fn int(&mut self, obj: &Map<String, Value>, key: &str, path: &str) -> Option<i64> {
        let value = obj.get(key)?;
        self.int_value(value, &join(path, key))
    }

    pub fn int_value(&mut self, value: &Value, path: &str) -> Option<i64> {
        match value {
            Value::Null => None,
            Value::Number(n) => match n.as_i64() {
                Some(i) => Some(i),
                None => {
                    self.warn(path.to_string(), format!("expected an integer, found {n}"));
                    None
                }
            },
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(i) => {
                    self.wrong_type(path.to_string(), "an integer", value);
                    Some(i)
                }
                Err(_) => {
                    self.wrong_type(path.to_string(), "an integer", value);
                    None
                }
            },
            v => {
                self.wrong_type(path.to_string(), "an integer", v);
                None
            }
        }
    }

    pub fn boolean(&mut self, obj: &Map<String, Value>, key: &str, path: &str) -> Option<bool> {
        match obj.get(key)? {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            v => {
                self.wrong_type(join(path, key), "a boolean", v);
                None
            }
        }
    }

    /// An enum-coded integer; a value outside the table keeps its number and
    /// adds a warning.
    pub fn code(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        kind: CodeKind,
    ) -> Option<i64> {
        let value = obj.get(key)?;
        self.code_value(value, &join(path, key), kind)
    }

    pub fn code_value(&mut self, value: &Value, path: &str, kind: CodeKind) -> Option<i64> {
        let n = self.int_value(value, path)?;
        if kind.label(n, Lang::En).is_none() {
            self.warn(
                path.to_string(),
                format!("unknown {} value {n}", kind.name()),
            );
        }
        Some(n)
    }

    /// A nested object; anything else is an issue.
    pub fn object<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'a Map<String, Value>> {
        match obj.get(key)? {
            Value::Null => None,
            Value::Object(map) => Some(map),
            v => {
                self.wrong_type(join(path, key), "an object", v);
                None
            }
        }
    }

    /// A nested array; anything else is an issue.
    pub fn array<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'a [Value]> {
        match obj.get(key)? {
            Value::Null => None,
            Value::Array(items) => Some(items),
            v => {
                self.wrong_type(join(path, key), "an array", v);
                None
            }
        }
    }

    /// A field the schema requires (for `--strict`).
    pub fn require(&mut self, obj: &Map<String, Value>, key: &str, path: &str) {
        if obj.get(key).is_none_or(Value::is_null) {
            self.deviate(join(path, key), "missing");
        }
    }
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
