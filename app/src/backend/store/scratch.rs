//! Throw-away databases for tests of the MySQL and PostgreSQL stores (the store's own
//! tests and the server's shared-store test): each run makes a database of its own beside
//! the one a test URL names, and drops it after.

use sqlx::Connection;

/// The URL of a test database, or `None` (the run says it skipped it). With
/// `XPANEL_TEST_REQUIRE_ALL=1` (scripts/test.sh, so CI) a missing URL fails the test:
/// a database that must be tested cannot be skipped by accident.
pub fn env_url(var: &str) -> Option<String> {
    let url = std::env::var(var).ok().filter(|u| !u.trim().is_empty());
    if url.is_none() {
        assert!(
            std::env::var("XPANEL_TEST_REQUIRE_ALL").as_deref() != Ok("1"),
            "{var} is not set but XPANEL_TEST_REQUIRE_ALL=1: this database must be tested"
        );
        eprintln!("SKIPPED: {var} not set, this database is not tested in this run");
    }
    url
}

/// Creates an empty database beside the one `base` names; returns its URL and name.
pub async fn scratch_database(base: &str) -> (String, String) {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let name = format!("xpanel_store_test_{}_{nanos}", std::process::id());
    admin(base, &format!("CREATE DATABASE {name}")).await;
    (with_database(base, &name), name)
}

pub async fn drop_database(base: &str, name: &str) {
    // Consoles under test may still hold connections: PostgreSQL is told to end them.
    let force = if base.starts_with("mysql") { "" } else { " WITH (FORCE)" };
    admin(base, &format!("DROP DATABASE {name}{force}")).await;
}

async fn admin(base: &str, statement: &str) {
    use sqlx::Executor;
    if base.starts_with("mysql") {
        let mut c = sqlx::MySqlConnection::connect(base).await.unwrap();
        c.execute(statement).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(base).await.unwrap();
        c.execute(statement).await.unwrap();
    }
}

/// `scheme://user@host:port/db?opts` with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (head, query) = url.split_once('?').map_or((url, None), |(h, q)| (h, Some(q)));
    let authority_end = head.find("://").map_or(0, |i| i + 3);
    let root = match head[authority_end..].find('/') {
        Some(i) => &head[..authority_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}
