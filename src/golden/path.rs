//! The path language of golden comparisons: jq-like paths without the
//! leading dot (`event.object.agents[0].name`, `["key with.dots"]`), with
//! `*`, `[]` and `[*]` for any one key or index in ignore paths; and how a
//! path is written back.

use std::fmt;

use serde_json::Value;

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path to leave out of the comparison, with everything under it.
/// `*` (or `[]`, `[*]`) matches any one key or index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnorePath {
    text: String,
    segments: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid path {path:?}: {reason}")]
pub struct PathError {
    pub path: String,
    pub reason: &'static str,
}

impl IgnorePath {
    pub fn parse(text: &str) -> Result<IgnorePath, PathError> {
        let fail = |reason| PathError {
            path: text.to_string(),
            reason,
        };
        // Accept jq's leading dot.
        let body = text.strip_prefix('.').unwrap_or(text);
        if body.is_empty() {
            return Err(fail("empty path"));
        }
        let mut segments = Vec::new();
        let mut rest = body;
        let mut expect_key = true;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let (step, remainder) =
                    bracket(after).ok_or_else(|| fail("unclosed or bad [...]"))?;
                segments.push(step);
                rest = remainder;
                expect_key = false;
            } else if let Some(after) = rest.strip_prefix('.') {
                if expect_key {
                    return Err(fail("empty key"));
                }
                rest = after;
                expect_key = true;
                if rest.is_empty() {
                    return Err(fail("ends with '.'"));
                }
            } else {
                if !expect_key {
                    return Err(fail("expected '.' or '[' after ']'"));
                }
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let key = &rest[..end];
                segments.push(if key == "*" {
                    Step::Any
                } else {
                    Step::Key(key.to_string())
                });
                rest = &rest[end..];
                expect_key = false;
            }
        }
        Ok(IgnorePath {
            text: text.to_string(),
            segments,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The path is this one or under it.
    pub(super) fn covers(&self, path: &[Segment]) -> bool {
        self.segments.len() <= path.len()
            && self
                .segments
                .iter()
                .zip(path)
                .all(|(step, seg)| match (step, seg) {
                    (Step::Any, _) => true,
                    (Step::Key(a), Segment::Key(b)) => a == b,
                    (Step::Index(a), Segment::Index(b)) => a == b,
                    _ => false,
                })
    }
}

/// `[N]`, `[*]`, `[]` or `["key"]`, after the `[`: the step and what follows `]`.
fn bracket(text: &str) -> Option<(Step, &str)> {
    if let Some(rest) = text.strip_prefix(']') {
        return Some((Step::Any, rest));
    }
    if text.starts_with('"') {
        // A JSON string, then `]`.
        let mut de = serde_json::Deserializer::from_str(text).into_iter::<String>();
        let key = de.next()?.ok()?;
        let rest = text.get(de.byte_offset()..)?.strip_prefix(']')?;
        return Some((Step::Key(key), rest));
    }
    let (inside, rest) = text.split_once(']')?;
    if inside == "*" {
        return Some((Step::Any, rest));
    }
    if inside.is_empty() || !inside.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((Step::Index(inside.parse().ok()?), rest))
}

pub(super) fn write_path(out: &mut String, path: &[Segment]) {
    for seg in path {
        match seg {
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(k) if is_plain_key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Key(k) => {
                out.push('[');
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(']');
            }
        }
    }
}

fn is_plain_key(key: &str) -> bool {
    key != "*"
        && !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_path(&mut s, std::slice::from_ref(self));
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths() {
        let p = IgnorePath::parse(r#"event.object.agents[0]["a.b"].*[]"#).unwrap();
        assert_eq!(
            p.segments,
            [
                Step::Key("event".into()),
                Step::Key("object".into()),
                Step::Key("agents".into()),
                Step::Index(0),
                Step::Key("a.b".into()),
                Step::Any,
                Step::Any,
            ]
        );
        assert_eq!(
            IgnorePath::parse(".header.token").unwrap().segments.len(),
            2
        );
        for bad in ["", ".", "a..b", "a.", "a[", "a[x]", "a[0]b", r#"a["x"#] {
            assert!(IgnorePath::parse(bad).is_err(), "{bad:?}");
        }
    }
}
