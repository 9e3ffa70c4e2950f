//! The structural JSON diff: two record streams compared in order, value
//! by value, with what the ignore paths cover counted and left out.

use serde_json::{Map, Value};

use super::path::{IgnorePath, Segment, write_path};

/// One place where the two sides differ. `None` means absent on that side
/// (a missing key, element or record).
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// The record pair, when either side holds more than one record.
    pub record: Option<usize>,
    /// Path inside the record.
    pub path: Vec<Segment>,
    pub expected: Option<Value>,
    pub actual: Option<Value>,
}

impl Difference {
    /// The path as printed: `[1].event.object.status`, or `[1]` for a whole
    /// record that one side lacks.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        if let Some(i) = self.record {
            out.push_str(&format!("[{i}]"));
        }
        write_path(&mut out, &self.path);
        out
    }
}

/// The outcome of a comparison.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    pub differences: Vec<Difference>,
    /// Differences left out because an ignore path covers them.
    pub ignored: usize,
    /// Record pairs compared (both sides present and readable).
    pub compared: usize,
}

/// Compares two record streams in order. `None` stands for a record that
/// could not be read (already reported): it keeps its place so the records
/// after it still pair up, and is not compared.
pub fn compare_streams(
    expected: &[Option<Value>],
    actual: &[Option<Value>],
    ignores: &[IgnorePath],
) -> Comparison {
    let several = expected.len() > 1 || actual.len() > 1;
    let mut cmp = Comparison::default();
    for i in 0..expected.len().max(actual.len()) {
        let pair = (expected.get(i), actual.get(i));
        // A record one side lacks is named by its index even when the other
        // side holds just that one.
        let lone = matches!(pair, (Some(_), None) | (None, Some(_)));
        let mut walk = Walk {
            record: (several || lone).then_some(i),
            ignores,
            path: Vec::new(),
            out: &mut cmp,
        };
        match pair {
            (Some(Some(e)), Some(Some(a))) => {
                walk.out.compared += 1;
                walk.value(e, a);
            }
            (Some(Some(e)), None) => walk.push(Some(e.clone()), None),
            (None, Some(Some(a))) => walk.push(None, Some(a.clone())),
            // An unreadable record was reported already; it is not compared.
            _ => {}
        }
    }
    cmp
}

/// Compares two documents.
pub fn compare(expected: &Value, actual: &Value, ignores: &[IgnorePath]) -> Comparison {
    compare_streams(&[Some(expected.clone())], &[Some(actual.clone())], ignores)
}

struct Walk<'a> {
    record: Option<usize>,
    ignores: &'a [IgnorePath],
    path: Vec<Segment>,
    out: &'a mut Comparison,
}

impl Walk<'_> {
    fn ignored(&self) -> bool {
        self.ignores.iter().any(|p| p.covers(&self.path))
    }

    fn push(&mut self, expected: Option<Value>, actual: Option<Value>) {
        if self.ignored() {
            self.out.ignored += 1;
            return;
        }
        self.out.differences.push(Difference {
            record: self.record,
            path: self.path.clone(),
            expected,
            actual,
        });
    }

    fn value(&mut self, e: &Value, a: &Value) {
        if self.ignored() {
            if !same(e, a) {
                self.out.ignored += 1;
            }
            return;
        }
        match (e, a) {
            (Value::Object(e), Value::Object(a)) => self.object(e, a),
            (Value::Array(e), Value::Array(a)) => {
                for i in 0..e.len().max(a.len()) {
                    self.path.push(Segment::Index(i));
                    match (e.get(i), a.get(i)) {
                        (Some(x), Some(y)) => self.value(x, y),
                        (x, y) => self.push(x.cloned(), y.cloned()),
                    }
                    self.path.pop();
                }
            }
            _ if same(e, a) => {}
            _ => self.push(Some(e.clone()), Some(a.clone())),
        }
    }

    /// Expected keys in their order, then keys only the actual side has.
    fn object(&mut self, e: &Map<String, Value>, a: &Map<String, Value>) {
        for (key, x) in e {
            self.path.push(Segment::Key(key.clone()));
            match a.get(key) {
                Some(y) => self.value(x, y),
                None => self.push(Some(x.clone()), None),
            }
            self.path.pop();
        }
        for (key, y) in a {
            if !e.contains_key(key) {
                self.path.push(Segment::Key(key.clone()));
                self.push(None, Some(y.clone()));
                self.path.pop();
            }
        }
    }
}

/// JSON equality where `1` and `1.0` are the same number.
fn same(e: &Value, a: &Value) -> bool {
    match (e, a) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            match (whole(x), whole(y)) {
                // Exactly: as f64, 2^53 + 1 and 2^53 are one number.
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => e == a,
    }
}

/// A number without a fraction, exactly (`-0.0` is 0); `None` for other
/// floats and those beyond i128.
fn whole(n: &serde_json::Number) -> Option<i128> {
    if let Some(i) = n.as_i64() {
        return Some(i.into());
    }
    if let Some(u) = n.as_u64() {
        return Some(u.into());
    }
    let f = n.as_f64()?;
    // 2^126: well inside i128, and every f64 this large is whole.
    (f.fract() == 0.0 && f.abs() < 2f64.powi(126)).then_some(f as i128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ignores(paths: &[&str]) -> Vec<IgnorePath> {
        paths
            .iter()
            .map(|p| IgnorePath::parse(p).unwrap())
            .collect()
    }

    fn paths(c: &Comparison) -> Vec<String> {
        c.differences.iter().map(Difference::path_string).collect()
    }

    #[test]
    fn equal_documents() {
        let v = json!({"a":[1,{"b":null}],"c":"x"});
        let c = compare(&v, &v, &[]);
        assert!(c.differences.is_empty());
        assert_eq!(c.compared, 1);
        assert!(
            compare(&json!({"n":1}), &json!({"n":1.0}), &[])
                .differences
                .is_empty()
        );
        for (e, a) in [
            (json!(0), json!(-0.0)),
            (json!(u64::MAX), json!(1.8446744073709552e19)),
        ] {
            assert_eq!(
                compare(&e, &a, &[]).differences.is_empty(),
                e == json!(0),
                "{e} {a}"
            );
        }
        // As f64 these are one number; as JSON they are two.
        let big: Value = serde_json::from_str("9007199254740993").unwrap();
        let c = compare(&big, &json!(9_007_199_254_740_992.0), &[]);
        assert_eq!(c.differences.len(), 1);
    }

    #[test]
    fn differences_by_path() {
        let c = compare(
            &json!({"a":{"x":1,"gone":true},"l":[1,2,3],"t":{"k":1}}),
            &json!({"a":{"x":2,"new":null},"l":[1,5],"t":[1]}),
            &[],
        );
        assert_eq!(paths(&c), ["a.x", "a.gone", "a.new", "l[1]", "l[2]", "t"]);
        assert_eq!(c.differences[1].actual, None);
        assert_eq!(c.differences[2].expected, None);
        assert_eq!(c.differences[2].actual, Some(Value::Null));
        assert_eq!(c.differences[4].expected, Some(json!(3)));
    }

    #[test]
    fn ignores_cover_subtrees_and_wildcards() {
        let e = json!({"header":{"token":"a","event_id":"1"},"l":[{"id":1,"v":1},{"id":2,"v":2}]});
        let a = json!({"header":{"token":"b","event_id":"2"},"l":[{"id":9,"v":1},{"id":8,"v":3}]});
        let c = compare(&e, &a, &ignores(&["header", "l[*].id"]));
        assert_eq!(paths(&c), ["l[1].v"]);
        assert_eq!(c.ignored, 3);
        let c = compare(&e, &a, &ignores(&["header.token", "l.*.id"]));
        assert_eq!(paths(&c), ["header.event_id", "l[1].v"]);
    }

    #[test]
    fn odd_keys_are_quoted() {
        let c = compare(&json!({"a.b":1, "":2}), &json!({"a.b":2, "":3}), &[]);
        assert_eq!(paths(&c), [r#"["a.b"]"#, r#"[""]"#]);
        let c = compare(
            &json!({"a.b":1}),
            &json!({"a.b":2}),
            &ignores(&[r#"["a.b"]"#]),
        );
        assert!(c.differences.is_empty());
    }

    #[test]
    fn streams_pair_in_order_and_count_mismatch_is_a_difference() {
        let e = [Some(json!({"a":1})), None, Some(json!({"a":3}))];
        let a = [
            Some(json!({"a":1})),
            Some(json!({"a":9})),
            Some(json!({"a":4})),
            Some(json!({"a":5})),
        ];
        let c = compare_streams(&e, &a, &[]);
        assert_eq!(paths(&c), ["[2].a", "[3]"]);
        assert_eq!(c.compared, 2);
        assert_eq!(c.differences[1].expected, None);
        assert_eq!(c.differences[1].actual, Some(json!({"a":5})));
    }
}
