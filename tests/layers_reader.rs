//! The reader `tests/layers.rs` relies on, on made-up code: paths in
//! comments, strings and char literals are not seen, `{a, b::c}` groups
//! expand, and two modules that use each other are a cycle.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::layers::{code_only, cycles, paths};

#[test]
fn the_reader_sees_paths_and_only_paths() {
    let code = code_only(
        "use crate::a::{b::C, d};\n// crate::comment\nlet s = \"crate::string\";\nlet c = '\"'; x::y(crate::e::f);",
    );
    let found: Vec<String> = paths(&code)
        .into_iter()
        .map(|(p, _)| p.join("::"))
        .collect();
    assert_eq!(found, ["crate::a::b::C", "crate::a::d", "crate::e::f"]);
    let mut edges = BTreeMap::new();
    let a = vec!["a".to_string()];
    let b = vec!["b".to_string()];
    edges.insert(a.clone(), BTreeSet::from([b.clone()]));
    edges.insert(b.clone(), BTreeSet::from([a.clone()]));
    assert_eq!(cycles(&edges), vec![vec!["a".to_string(), "b".to_string()]]);
}
