//! The module graph follows the data: a module uses only modules of its own
//! layer or below (README, Architecture), and no files import each other in
//! a cycle. This reads `src/` as text: every `crate::`, `super::` and
//! `self::` path outside comments and string literals is an edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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

/// The code of a file with comments and the contents of string and char
/// literals blanked, so that only real paths remain.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            i += end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
            out.push(' ');
            i += end;
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].chars().take_while(|&c| c == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let start = 2 + hashes;
            let end = rest[start..]
                .find(&close)
                .map_or(rest.len(), |e| start + e + close.len());
            out.push_str("\"\"");
            i += end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i = j + 1;
        } else if b[i] == b'\''
            && (rest.len() > 2 && (rest.as_bytes()[2] == b'\'' || rest.as_bytes()[1] == b'\\'))
        {
            // A char literal ('x' or '\n'); lifetimes ('a) are left alone.
            let end = rest[1..].find('\'').map_or(rest.len(), |e| e + 2);
            out.push_str("' '");
            i += end;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Paths that start at `crate`, `super` or `self`, with `{a, b::c}` groups
/// expanded, each as a list of segments.
fn paths(code: &str) -> Vec<(Vec<String>, bool)> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(start) {
            let before = at.checked_sub(1).map(|p| bytes[p]);
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':') {
                continue;
            }
            // A re-export makes a facade, not a dependency between files.
            let line_start = code[..at].rfind(['\n', ';', '{']).map_or(0, |p| p + 1);
            let reexport = code[line_start..at].trim_start().starts_with("pub use");
            for path in expand(&code[at..]) {
                found.push((path, reexport));
            }
        }
    }
    found
}

/// Expands the path at the start of `text` (up to its end) into full paths.
fn expand(text: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 {
            segments.push(rest[..len].to_string());
        }
        rest = &rest[len..];
        if let Some(next) = rest.strip_prefix("::") {
            rest = next;
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 1;
                let mut end = 0;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let mut out = Vec::new();
                for item in split_top(&group[..end]) {
                    for tail in expand(item.trim()) {
                        let mut path = segments.clone();
                        path.extend(tail.into_iter().filter(|s| s != "self"));
                        out.push(path);
                    }
                }
                return out;
            }
        } else {
            return vec![segments];
        }
    }
}

fn split_top(group: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut from) = (Vec::new(), 0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&group[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&group[from..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
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

/// Strongly connected components with more than one file (Tarjan).
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Vec<String>) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(targets) = s.edges.get(v) {
            for w in targets {
                let Some((w, _)) = s.edges.get_key_value(w) else {
                    continue;
                };
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let low = s.low[v].min(s.low[w]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w) {
                    let low = s.low[v].min(s.index[w]);
                    s.low.insert(v, low);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.join("::"));
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.found
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
