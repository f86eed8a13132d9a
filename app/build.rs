// Re-embed migrations when a file is added under migrations/ (sqlx::migrate! reads them at
// compile time).
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
