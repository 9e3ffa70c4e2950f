//! HTTP headers as captured: order kept, names matched case-insensitively.

use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Headers(Vec::new())
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// Adds or replaces a header (for `-H` flags overriding a capture).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.0.push((name.to_string(), value.into()));
    }

    /// The first value of a header, by case-insensitive name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in capture order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of the last header pushed (for folded continuation lines).
    pub fn last_value_mut(&mut self) -> Option<&mut String> {
        self.0.last_mut().map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive() {
        let mut h = Headers::new();
        h.push("X-Lark-Signature", "a");
        h.push("x-lark-signature", "b");
        assert_eq!(h.get("X-LARK-SIGNATURE"), Some("a"));
        assert_eq!(
            h.get_all("x-lark-Signature").collect::<Vec<_>>(),
            ["a", "b"]
        );
        h.set("X-Lark-signature", "c");
        assert_eq!(h.get_all("x-lark-signature").collect::<Vec<_>>(), ["c"]);
        assert_eq!(h.get("missing"), None);
    }
}
