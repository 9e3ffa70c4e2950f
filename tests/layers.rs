//! The module graph follows the data: a module uses only modules of its own
//! layer or below (README, Architecture), and no files import each other in
//! a cycle. This reads `src/` as text: every `crate::`, `super::` and
//! `self::` path outside comments and string literals is an edge. The
//! reader itself is tested in `layers_reader.rs`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::layers::{code_only, cycles, paths};

/// The layers, lowest first; a top-level module is on exactly one.
const LAYERS: &[&[&str]] = &[
    &["exit", "secret", "sanitize", "simd"],
    &["crypto"],
    &["json"],
    &["input"],
    &["diagnostics"],
    &["pipeline"],
    &["record"],
    &["event"],
    &["verify", "timeline", "golden"],
    &["listen"],
    &["subscribe"],
    &["drive"],
    &["render"],
    &["cli"],
    &["settings"],
    &["commands"],
    &["app"],
];

fn rank(top: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&top))
}

/// Module path of a source file: `src/input/split.rs` is `input::split`,
/// `src/input/mod.rs` is `input`.
fn module_of(path: &Path, src: &Path) -> Vec<String> {
    let rel = path.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a path names: its longest prefix that is a source file.
fn target(
    from: &[String],
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
    is_dir_module: bool,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = match path.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        Some("self") => from.to_vec(),
        Some("super") => {
            // `super` of `a::b` (a file) is `a`; of `a` (a mod.rs) is the root.
            let mut b = from.to_vec();
            if !is_dir_module || !b.is_empty() {
                b.pop();
            }
            b
        }
        _ => return None,
    };
    let mut rest = &path[1..];
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let mut best = None;
    let mut candidate = base.clone();
    if modules.contains(&candidate) {
        best = Some(candidate.clone());
    }
    for seg in rest {
        candidate.push(seg.clone());
        if modules.contains(&candidate) {
            best = Some(candidate.clone());
        }
    }
    best
}

struct Graph {
    /// file module -> modules it uses (re-exports excluded)
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    upward: Vec<String>,
    unknown: BTreeSet<String>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut list = Vec::new();
    files(&src, &mut list);
    let modules: BTreeSet<Vec<String>> = list
        .iter()
        .map(|p| module_of(p, &src))
        .filter(|m| !m.is_empty() && m[0] != "lib" && m[0] != "main")
        .collect();
    let mut g = Graph {
        edges: BTreeMap::new(),
        upward: Vec::new(),
        unknown: BTreeSet::new(),
    };
    for path in &list {
        let from = module_of(path, &src);
        if from.is_empty() || from[0] == "lib" || from[0] == "main" {
            continue;
        }
        let Some(from_rank) = rank(&from[0]) else {
            g.unknown.insert(from[0].clone());
            continue;
        };
        let is_dir_module = path.ends_with("mod.rs");
        let text = std::fs::read_to_string(path).expect("readable");
        let code = code_only(&text);
        let entry = g.edges.entry(from.clone()).or_default();
        for (p, reexport) in paths(&code) {
            let Some(to) = target(&from, &p, &modules, is_dir_module) else {
                continue;
            };
            if to == from || to.is_empty() {
                continue;
            }
            match rank(&to[0]) {
                Some(r) if r > from_rank => g.upward.push(format!(
                    "{} ({}) uses {} ({})",
                    from.join("::"),
                    LAYERS[from_rank].join("/"),
                    to.join("::"),
                    LAYERS[r].join("/"),
                )),
                Some(_) => {}
                None => {
                    g.unknown.insert(to[0].clone());
                }
            }
            if !reexport {
                entry.insert(to);
            }
        }
    }
    g.upward.sort();
    g.upward.dedup();
    g
}

#[test]
fn every_module_is_on_a_layer() {
    let g = graph();
    assert!(
        g.unknown.is_empty(),
        "modules missing from LAYERS (and from the README's Architecture): {:?}",
        g.unknown
    );
}

#[test]
fn no_module_uses_a_layer_above_it() {
    let g = graph();
    assert!(
        g.upward.is_empty(),
        "upward edges:\n{}",
        g.upward.join("\n")
    );
}

#[test]
fn no_files_import_each_other_in_a_cycle() {
    let found = cycles(&graph().edges);
    let shown: Vec<String> = found.iter().map(|c| c.join(" <-> ")).collect();
    assert!(found.is_empty(), "import cycles:\n{}", shown.join("\n"));
}
