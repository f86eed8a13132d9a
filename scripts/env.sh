# Sourced by the scripts: puts the repo's npm tools (wasm-opt, tailwindcss) and cargo's
# binaries (cargo-leptos, wasm-bindgen) first on PATH, where cargo-leptos looks for them.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
