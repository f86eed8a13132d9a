//! The compiled site's file names. cargo-leptos (`hash-files = true`) puts a content
//! hash in the names of the JS, wasm and CSS and lists the hashes in `hash.txt`, which it
//! writes beside the server binary; release artifacts carry it in the site root. The
//! server finds it at start ([`locate`]) and hands the same path to Leptos, which reads
//! it for the JS and wasm names. With hashed names a file never changes under its name,
//! so it may be cached for a year; without `hash.txt` (plain `cargo build`/`cargo test`)
//! the plain names are used.

use crate::paths;

/// The hashes cargo-leptos wrote, read once.
#[derive(Debug, Default, Clone)]
pub struct Hashes {
    pub css: Option<String>,
}

#[cfg(feature = "ssr")]
static HASHES: std::sync::OnceLock<Option<Hashes>> = std::sync::OnceLock::new();

/// Where `hash.txt` is: in the site root (release artifacts, the image), else beside the
/// binary (cargo-leptos builds). Absolute, so it is found without `/proc` (a chroot).
#[cfg(feature = "ssr")]
pub fn locate(site_root: &std::path::Path) -> Option<std::path::PathBuf> {
    let beside_exe = std::env::current_exe().ok().and_then(|e| Some(e.parent()?.join("hash.txt")));
    [Some(site_root.join("hash.txt")), beside_exe]
        .into_iter()
        .flatten()
        .find(|p| p.is_file())
        .map(|p| std::path::absolute(&p).unwrap_or(p))
}

/// Reads the hashes once, at start. Without a call the plain names are used.
#[cfg(feature = "ssr")]
pub fn init(hash_file: Option<&std::path::Path>) {
    let hashes = hash_file.and_then(|p| std::fs::read_to_string(p).ok()).map(|t| parse(&t));
    let _ = HASHES.set(hashes);
}

#[cfg(feature = "ssr")]
fn hashes() -> &'static Option<Hashes> {
    HASHES.get_or_init(|| None)
}

/// Lines of `hash.txt`: `js: <hash>`, `wasm: <hash>`, `css: <hash>`.
pub fn parse(text: &str) -> Hashes {
    let mut h = Hashes::default();
    for line in text.lines() {
        if let Some((file, hash)) = line.split_once(':') {
            let hash = hash.trim();
            let safe = !hash.is_empty()
                && hash.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if file.trim() == "css" && safe {
                h.css = Some(hash.to_owned());
            }
        }
    }
    h
}

/// The stylesheet's URL.
#[cfg(feature = "ssr")]
pub fn css_href() -> String {
    match hashes().as_ref().and_then(|h| h.css.as_deref()) {
        Some(hash) => format!("{}/kunlunxpanel.{hash}.css", paths::PKG),
        None => format!("{}/kunlunxpanel.css", paths::PKG),
    }
}

#[cfg(not(feature = "ssr"))]
pub fn css_href() -> String {
    format!("{}/kunlunxpanel.css", paths::PKG)
}

/// True for a file name with a content hash (`name.<hash>.ext`): cacheable for a year.
pub fn is_hashed_name(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (_ext, hash) = (parts.next(), parts.next());
    parts.next().is_some()
        && hash.is_some_and(|h| {
            h.len() >= 8 && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_leptos_hash_file() {
        let h = parse("js: Ab3_x9YyZ0\nwasm: QQ11ww22ee\ncss: cSSh4sh0123\n");
        assert_eq!(h.css.as_deref(), Some("cSSh4sh0123"));
        assert_eq!(parse("css: ../evil\n").css, None);
    }

    #[test]
    fn hashed_names() {
        assert!(is_hashed_name("kunlunxpanel.Ab3_x9YyZ0a.wasm"));
        assert!(!is_hashed_name("kunlunxpanel.wasm"));
        assert!(!is_hashed_name("kunlunxpanel_bg.wasm"));
        assert!(!is_hashed_name("favicon.svg"));
    }
}
