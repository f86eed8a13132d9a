//! The app's layers point one way (issue #17). Read from the source, so it fails the
//! moment someone adds the wrong `use`:
//!
//! - `domain/` (types and rules shared by server and browser) and `backend/` (server
//!   only) never import `api/` (server functions), `pages/` or `components/`;
//! - `domain/` never imports `backend/`;
//! - the top-level modules (`domain`, `lang`, `api`, `backend`, `pages`, ...) form no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to: `src/domain/job.rs` → `domain`, `src/lang.rs`
/// → `lang`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The top-level modules a file names as `crate::<module>` or in `crate::{a, b::c}`
/// (line comments left out).
fn imports(text: &str) -> BTreeSet<String> {
    let code: String =
        text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let ident = |s: &str| -> String {
        s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
    };
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // The first name of each item at the group's top level.
            let (mut depth, mut start) = (0, true);
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_ascii_alphanumeric() || c == '_') => {
                        found.insert(ident(&group[k..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                found.insert(name);
            }
        }
        rest = after;
    }
    found
}

/// module → (module it imports → a file that does it).
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    sources(&src, &mut files);
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in files {
        let from = module_of(&src, &f);
        if from == "lib" || from == "main" {
            continue; // the crate root declares every module
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for to in imports(&text) {
            if to != from {
                let shown = f.strip_prefix(&src).unwrap().display().to_string();
                g.entry(from.clone()).or_default().entry(to).or_insert(shown);
            }
        }
    }
    g
}

#[test]
fn domain_and_backend_never_import_the_web_layers() {
    let g = graph();
    let mut wrong = vec![];
    for (from, forbidden) in [
        ("domain", &["api", "pages", "components", "backend", "app"][..]),
        ("backend", &["api", "pages", "components", "app"][..]),
    ] {
        for (to, file) in g.get(from).into_iter().flatten() {
            if forbidden.contains(&to.as_str()) {
                wrong.push(format!("{file} imports crate::{to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "layers pointing the wrong way:\n{}", wrong.join("\n"));
}

#[test]
fn the_top_level_modules_form_no_cycle() {
    let g = graph();
    // Depth-first search; a module met again while on the path closes a cycle.
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut cycle: Vec<String> = path[i..].to_vec();
            cycle.push(m.to_owned());
            let shown: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} → {} ({})", w[0], w[1], g[&w[0]][&w[1]]))
                .collect();
            cycles.push(shown.join(", "));
            return;
        }
        if !done.insert(m.to_owned()) {
            return;
        }
        path.push(m.to_owned());
        for to in g.get(m).into_iter().flat_map(|e| e.keys()) {
            visit(to, g, path, done, cycles);
        }
        path.pop();
    }
    let mut cycles = vec![];
    let mut done = BTreeSet::new();
    for m in g.keys() {
        visit(m, &g, &mut vec![], &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_check_sees_imports() {
    let found = imports(
        "use crate::api::jobs::X; // crate::pages\nlet a = crate::domain::y();\n\
         use crate::{\n    lang::fill,\n    backend::{store, auth::x},\n};",
    );
    let want = ["api", "backend", "domain", "lang"].map(str::to_owned);
    assert_eq!(found, BTreeSet::from(want));
}
