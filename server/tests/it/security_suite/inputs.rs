//! Hostile input: injection into every kind of text input, bodies and encodings the
//! console must refuse before anything runs, and paths out of the site.

use super::{
    api, attack, bad_request, form, invalid, machine_form, Attack, Body, Expect, Who, OWN,
};
use app::error::AppError;
use reqwest::StatusCode;

/// The console's own 404 page: the path was resolved inside the site and found nothing.
const NOT_FOUND_PAGE: &str = "<h1 class=\"mb-2 text-xl font-semibold\">Page not found";

pub(super) fn attacks() -> Vec<Attack> {
    use Expect::*;
    use Who::*;
    let big = vec![b'a'; 1024 * 1024];
    let deep = format!("{}=1", "draft".to_owned() + &"[a]".repeat(2000));
    vec![
        // --- injection into every kind of text input ----------------------------------
        attack(
            "SQL injection in the login name",
            Anonymous,
            &api("login"),
            form(&[("username", "' OR '1'='1' --"), ("password", "x")]),
            Error(AppError::BadCredentials),
        ),
        attack(
            "SQL injection in the machine search",
            Admin,
            &api("machines/list"),
            form(&[("query[search]", "' OR '1'='1"), ("query[page]", "1")]),
            invalid("search", "Search by IP address: digits, a-f, '.' and ':' only"),
        ),
        attack(
            "SQL injection in the machine sort column",
            Admin,
            &api("machines/list"),
            form(&[("query[sort]", "hostaddr; DROP TABLE server_nodes"), ("query[page]", "1")]),
            invalid("sort", "Unknown sort column"),
        ),
        attack(
            "SQL injection in the cluster search",
            Admin,
            &api("clusters/list"),
            form(&[("query[search]", "x' UNION SELECT 1--"), ("query[page]", "1")]),
            StatusAnd(StatusCode::OK, "\"total\":0"),
        ),
        attack(
            "LIKE wildcard in the cluster search",
            Admin,
            &api("clusters/list"),
            form(&[("query[search]", "%_%"), ("query[page]", "1")]),
            StatusAnd(StatusCode::OK, "\"total\":0"),
        ),
        attack(
            "script in a cluster business name",
            Admin,
            &api("clusters/create"),
            form(&[("draft[nick_name]", "<script>alert(1)</script>")]),
            invalid("nick_name", "Quotes, backslashes and < > are not allowed"),
        ),
        attack(
            "script in a machine address",
            Admin,
            &api("machines/add"),
            machine_form(&[
                ("form[hostaddr]", "<img src=x onerror=alert(1)>"),
                ("form[datadir]", "/d"),
            ]),
            invalid(
                "hostaddr",
                "<img src=x onerror=alert(1)> is not an IPv4 address (cluster_mgr takes IPv4 only)",
            ),
        ),
        attack(
            "shell command in a machine directory",
            Admin,
            &api("machines/add"),
            machine_form(&[("form[hostaddr]", "10.2.2.2"), ("form[datadir]", "/data;rm -rf /")]),
            invalid("datadir", "Directory: rm -rf / is not an absolute path (must start with /)"),
        ),
        attack(
            "script in a new user name",
            Admin,
            &api("system/create_user"),
            form(&[("name", "<b>x</b>"), ("role_id", "3"), ("password", "Temp#2026pass")]),
            invalid("name", "The user name may contain only letters, digits and '_'."),
        ),
        attack(
            "SQL in a role name",
            Admin,
            &api("system/save_role"),
            form(&[("id", "0"), ("name", "x'; DROP TABLE users;--")]),
            invalid("name", "1 to 32 letters, digits, _ or -"),
        ),
        attack(
            "unknown privilege smuggled into a role",
            Admin,
            &api("system/save_role"),
            form(&[("id", "0"), ("name", "sneaky"), ("privileges[0]", "root")]),
            invalid("privileges", "Unknown privilege \"root\""),
        ),
        attack(
            "quote in the compute-node password",
            Admin,
            &api("clusters/create"),
            form(&[
                ("draft[nick_name]", "ok"),
                ("draft[computer_user]", "kunlun"),
                ("draft[computer_password]", "abc'; DROP--x"),
            ]),
            invalid("computer_password", "Printable ASCII without spaces, quotes or backslashes"),
        ),
        attack(
            "open redirect after login (absolute)",
            ReadOnly,
            &api("login"),
            form(&[("username", "viewer"), ("password", OWN), ("next", "https://evil.example/")]),
            bad_request("the return address must be a path under /KunlunXPanel/"),
        ),
        attack(
            "open redirect after login (scheme-relative)",
            ReadOnly,
            &api("login"),
            form(&[("username", "viewer"), ("password", OWN), ("next", "//evil.example/x")]),
            bad_request("the return address must be a path under /KunlunXPanel/"),
        ),
        // --- bodies and encodings ------------------------------------------------------
        attack(
            "1 MiB body",
            Anonymous,
            &api("login"),
            Body::Raw("application/x-www-form-urlencoded", big),
            Error(AppError::PayloadTooLarge { limit: 256 * 1024 }),
        ),
        attack(
            "malformed percent-encoding",
            Admin,
            &api("jobs/get"),
            Body::Raw("application/x-www-form-urlencoded", b"id=%ZZ%".to_vec()),
            bad_request("invalid digit found in string"),
        ),
        attack(
            "wrong type for an id",
            Admin,
            &api("jobs/get"),
            form(&[("id", "abc")]),
            bad_request("invalid digit found in string"),
        ),
        attack(
            "missing argument",
            Admin,
            &api("clusters/delete"),
            form(&[("confirm", "demo")]),
            bad_request("missing field `cluster_id`"),
        ),
        attack(
            "JSON sent to a form endpoint",
            Admin,
            &api("jobs/get"),
            Body::Raw("application/json", br#"{"id": 1}"#.to_vec()),
            bad_request("missing field `id`"),
        ),
        attack(
            "bytes that are not UTF-8",
            Admin,
            &api("clusters/list"),
            Body::Raw(
                "application/x-www-form-urlencoded",
                b"query[search]=%ff%fe%00&query[page]=1".to_vec(),
            ),
            invalid("search", "Search: no control characters (tabs, line breaks, NUL)"),
        ),
        attack(
            "2,000-deep nested field names",
            Admin,
            &api("clusters/plan"),
            Body::Raw("application/x-www-form-urlencoded", deep.into_bytes()),
            invalid("nick_name", "Enter a business name"),
        ),
        attack(
            "negative page number",
            Admin,
            &api("machines/list"),
            form(&[("query[page]", "-1")]),
            bad_request("invalid digit found in string"),
        ),
        attack(
            "job id beyond i64",
            Admin,
            &api("jobs/get"),
            form(&[("id", "99999999999999999999")]),
            bad_request("number too large to fit in target type"),
        ),
        attack(
            "job event stream for a bad id",
            Admin,
            &api("jobs/1;DROP/events"),
            Body::None,
            invalid("id", "A job id is a positive whole number"),
        ),
        // --- paths -----------------------------------------------------------------
        attack(
            "dot-dot out of the asset folder",
            Anonymous,
            "/KunlunXPanel/pkg/../../../Cargo.toml",
            Body::None,
            StatusAnd(StatusCode::NOT_FOUND, NOT_FOUND_PAGE),
        ),
        attack(
            "encoded dot-dot out of the asset folder",
            Anonymous,
            "/KunlunXPanel/pkg/%2e%2e/%2e%2e/%2e%2e/Cargo.toml",
            Body::None,
            StatusAnd(StatusCode::NOT_FOUND, NOT_FOUND_PAGE),
        ),
        attack(
            "encoded slash traversal",
            Anonymous,
            "/KunlunXPanel/pkg/..%2f..%2f..%2fCargo.toml",
            Body::None,
            RedirectTo("/KunlunXPanel/login?next=/KunlunXPanel/pkg/..%2f..%2f..%2fCargo.toml"),
        ),
        attack(
            "NUL byte in an asset path",
            Anonymous,
            "/KunlunXPanel/pkg/a%00.js",
            Body::None,
            Exact(StatusCode::NOT_FOUND, ""),
        ),
        attack(
            "the store file through the site",
            Anonymous,
            "/KunlunXPanel/xpanel.db",
            Body::None,
            RedirectTo("/KunlunXPanel/login?next=/KunlunXPanel/xpanel.db"),
        ),
    ]
}
