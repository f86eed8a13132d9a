//! XPanel-rs, the Klustron admin console.
//!
//! One crate, two builds: with `ssr` it is the server side (pages rendered to HTML, server
//! functions, the store, sessions); with `hydrate` it is the wasm that makes the same pages
//! interactive in the browser. Layout:
//! - [`domain`]: validated types shared by browser and server (user names, passwords).
//! - [`api`]: server functions, one module per resource; thin adapters over [`backend`].
//! - [`pages`] and [`components`]: the UI.
//! - [`backend`] (ssr only): state, store, sessions and the access gate.

// Leptos views are deeply nested types; the default limit (128) is too low for them.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod assets;
pub mod components;
pub mod domain;
pub mod error;
pub mod lang;
pub mod pages;
pub mod paths;
pub mod theme;
pub mod time;

#[cfg(feature = "ssr")]
pub mod backend;

// The `i18n` module (the `Locale` enum, the keys and the `t!` family of macros), generated
// at compile time from locales/en.json and locales/zh-CN.json; a key missing from either
// file is a compile error. The crate now suggests generating this module from a build.rs
// (leptos_i18n_build); that pulls ICU's data exporter into the build for no gain here,
// since the macro generates the same module.
#[allow(deprecated)]
mod generated {
    leptos_i18n::load_locales!();
}
pub use generated::i18n;

/// Entry point of the wasm build: attaches the client to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
