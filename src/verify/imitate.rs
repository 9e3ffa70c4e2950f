//! Imitations of other serializers: the bytes a web framework, a logger
//! or another SDK writes when it re-serializes a JSON body (JSON.stringify
//! as the Node SDK hashes it, Python's json.dumps, `\uXXXX` escapes,
//! pretty-printers), for the `body_reserialized` cause to try.

use serde::Serialize;
use serde_json::Value;

/// The usual ways libraries write a JSON value, each with its description.
pub(super) fn serializations(value: &Value) -> Vec<(Vec<u8>, &'static str)> {
    let compact = serde_json::to_string(value).unwrap_or_default();
    let spaced = to_string_with(value, SpacedFormatter);
    let mut forms = vec![
        (
            compact.clone().into_bytes(),
            "compact, as JSON.stringify writes it and the Node SDK hashes it",
        ),
        (
            escape_non_ascii(&compact, false).into_bytes(),
            "compact with non-ASCII escaped as \\uXXXX",
        ),
        (
            escape_non_ascii(&compact, true).into_bytes(),
            "compact with non-ASCII escaped as upper-case \\uXXXX",
        ),
        (
            escape_non_ascii(&spaced, false).into_bytes(),
            "Python json.dumps defaults: ', ' and ': ' separators, non-ASCII escaped",
        ),
        (
            spaced.into_bytes(),
            "', ' and ': ' separators, as Python json.dumps(ensure_ascii=False) writes it",
        ),
        (
            serde_json::to_vec_pretty(value).unwrap_or_default(),
            "pretty-printed with 2-space indentation",
        ),
    ];
    let four = to_string_with(
        value,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    forms.push((four.into_bytes(), "pretty-printed with 4-space indentation"));
    forms
}

fn to_string_with<F: serde_json::ser::Formatter>(value: &Value, formatter: F) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Python's default separators: `", "` between items and `": "` after keys.
struct SpacedFormatter;

impl serde_json::ser::Formatter for SpacedFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

/// Escapes every non-ASCII character as `\uXXXX` (UTF-16, surrogate pairs
/// beyond the BMP). Safe on serialized JSON: non-ASCII only occurs in strings.
fn escape_non_ascii(json: &str, upper: bool) -> String {
    let mut out = String::with_capacity(json.len());
    let mut units = [0u16; 2];
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        for unit in c.encode_utf16(&mut units) {
            if upper {
                out.push_str(&format!("\\u{unit:04X}"));
            } else {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_escapes_use_surrogate_pairs() {
        assert_eq!(
            escape_non_ascii("\"a你😀\"", false),
            "\"a\\u4f60\\ud83d\\ude00\""
        );
        assert_eq!(escape_non_ascii("\"é\"", true), "\"\\u00E9\"");
    }
}
