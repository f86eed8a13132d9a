//! The translations fit the code that fills them (issue #17). Texts with values in them
//! are filled by name with `lang::fill!` rather than leptos_i18n's interpolation: one
//! small function instead of a generated builder per key, in a wasm whose size is a goal
//! (#18). What interpolation would have checked at compile time is checked here, from
//! the source and the locale files:
//!
//! - each text has the same `{placeholders}` in every language;
//! - each `fill!(td_string!(…, key), name = …)` names exactly the placeholders of `key`.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LANGS: [&str; 2] = ["en", "zh-CN"];

/// `section.key` → text, for one locale file.
fn texts(lang: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}.json"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    flatten("", &json, &mut out);
    out
}

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => panic!("{prefix}: not a text: {other}"),
    }
}

/// The `{name}`s of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                out.insert(after[..close].to_owned());
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

#[test]
fn every_text_has_the_same_placeholders_in_every_language() {
    let en = texts(LANGS[0]);
    for lang in &LANGS[1..] {
        let other = texts(lang);
        assert_eq!(en.keys().collect::<Vec<_>>(), other.keys().collect::<Vec<_>>(), "{lang}");
        for (key, text) in &en {
            assert_eq!(
                placeholders(text),
                placeholders(&other[key]),
                "{key}: en {text:?} and {lang} {:?} name different values",
                other[key]
            );
        }
    }
}

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

/// The text between the parenthesis at the start of `s` and its match.
fn balanced(s: &str) -> &str {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &s[1..i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced: {}", &s[..s.len().min(80)]);
}

/// Splits on the commas outside parentheses.
fn args(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (vec![], 0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out.retain(|a| !a.is_empty());
    out
}

#[test]
fn every_fill_names_exactly_the_placeholders_of_its_text() {
    let en = texts("en");
    let mut files = vec![];
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut checked = 0;
    for file in files {
        let src = std::fs::read_to_string(&file).unwrap();
        for (at, _) in src.match_indices("fill!(") {
            let call = args(balanced(&src[at + "fill!".len()..]));
            let template = call[0];
            // Only calls whose text is a key; `fill!(template, …)` inside a helper is
            // checked where the helper's callers are (error.rs passes `detail`).
            let Some(open) = ["td_string!(", "tu_string!("]
                .iter()
                .find_map(|m| template.strip_prefix(m).map(|_| &template[m.len() - 1..]))
            else {
                continue;
            };
            let key = args(balanced(open)).last().unwrap().replace(' ', "");
            let text = en.get(&key).unwrap_or_else(|| panic!("{}: no text {key}", file.display()));
            let names: BTreeSet<String> =
                call[1..].iter().map(|a| a.split('=').next().unwrap().trim().to_owned()).collect();
            assert_eq!(
                names,
                placeholders(text),
                "{}: fill! of {key} names {names:?}, its text {text:?}",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} fill! calls found: has the macro moved?");
}
