//! Importing XPanel's accounts (issue #16): read `kunlun_dba_tools_db` on the metadata
//! cluster, plan ([`crate::domain::xpanel_import`]), hash the plain-text passwords with
//! argon2id, write it all in one transaction, audit it. Run by the console at its first
//! start and by `xpanel import-xpanel-accounts` (also as a dry run).

use klustron::metadata::MetaDb;

use crate::backend::auth::password;
use crate::backend::store::audit::{AuditEvent, Outcome};
use crate::backend::store::xpanel_import::ApplyError;
use crate::backend::store::Store;
use crate::domain::xpanel_import::{plan, ImportPlan};

/// Who the audit log names for an import.
pub const BY: &str = "xpanel-import";

/// What an import found and did.
#[derive(Debug)]
pub struct Imported {
    pub plan: ImportPlan,
    /// Written (false for a dry run, or when there was nothing to write).
    pub written: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("reading XPanel's accounts: {0}")]
    Metadata(#[from] klustron::ClientError),
    #[error("reading the console's store: {0}")]
    Store(#[from] sqlx::Error),
    #[error("writing the import: {0}")]
    Apply(#[from] ApplyError),
    #[error("hashing a password failed")]
    Hash,
}

/// Imports the accounts in database `db` of `meta` into `store`; `Ok(None)` when the
/// metadata has no XPanel accounts.
pub async fn import(
    store: &Store,
    meta: &MetaDb,
    db: &str,
    dry_run: bool,
) -> Result<Option<Imported>, ImportError> {
    let Some(src) = meta.xpanel_accounts(db).await? else {
        return Ok(None);
    };
    let target = store.xpanel_import_target().await?;
    let plan = plan(&src, &target);
    if dry_run || plan.is_empty() {
        return Ok(Some(Imported { plan, written: false }));
    }
    let mut hashes = vec![];
    for a in &plan.accounts {
        // No usable password: the hash of a secret nobody has (the account is disabled).
        let secret = a.password.clone().unwrap_or_else(crate::backend::auth::cookie::new_token);
        hashes.push(password::hash(&secret).await.map_err(|_| ImportError::Hash)?.0);
    }
    let super_dba_hash = match &plan.super_dba_password {
        Some(pw) => Some(password::hash(pw).await.map_err(|_| ImportError::Hash)?.0),
        None => None,
    };
    store.apply_xpanel_import(&plan, &hashes, super_dba_hash.as_deref(), BY).await?;
    audit(store, &plan).await;
    Ok(Some(Imported { plan, written: true }))
}

/// One record per account, and one for the whole import with its notes counted.
async fn audit(store: &Store, plan: &ImportPlan) {
    fn event<'a>(action: &'a str, target: &'a str, detail: &'a str) -> AuditEvent<'a> {
        AuditEvent { user_name: BY, client_addr: "", action, target, outcome: Outcome::Ok, detail }
    }
    for a in &plan.accounts {
        let detail = format!(
            "role {}, {} grant(s){}",
            a.role,
            a.grants.len(),
            if a.disabled { ", disabled" } else { "" }
        );
        store.audit(event("import_xpanel_account", &a.name, &detail)).await;
    }
    if plan.super_dba_password.is_some() {
        store.audit(event("import_xpanel_account", "super_dba", "XPanel's password")).await;
    }
    let detail = format!(
        "{} account(s), {} role(s), {} note(s)",
        plan.accounts.len(),
        plan.roles.len(),
        plan.notes.len()
    );
    store.audit(event("import_xpanel_accounts", "kunlun_dba_tools_db", &detail)).await;
}

/// The report printed by the command and logged at start.
pub fn report(i: &Imported) -> String {
    let p = &i.plan;
    let verb = if i.written { "imported" } else { "would import" };
    let mut out = if p.is_empty() {
        "XPanel accounts: nothing new to import\n".to_owned()
    } else {
        format!(
            "XPanel accounts: {verb} {} account(s) and {} role(s){}\n",
            p.accounts.len(),
            p.roles.len(),
            if p.super_dba_password.is_some() { ", and super_dba's password" } else { "" }
        )
    };
    for a in &p.accounts {
        let scope: Vec<String> = a
            .grants
            .iter()
            .map(|g| {
                let c = g.cluster_id.map_or("all clusters".to_owned(), |c| format!("cluster {c}"));
                match (g.valid_from, g.valid_until) {
                    (None, None) => c,
                    (f, u) => format!(
                        "{c} [{} .. {})",
                        f.map_or("-".into(), |f| f.to_string()),
                        u.map_or("-".into(), |u| u.to_string())
                    ),
                }
            })
            .collect();
        out.push_str(&format!(
            "  account {}: role {}{}{}; must change the password at the next login\n",
            a.name,
            a.role,
            if scope.is_empty() { String::new() } else { format!(", {}", scope.join(", ")) },
            if a.disabled { ", disabled" } else { "" },
        ));
    }
    for r in &p.roles {
        out.push_str(&format!(
            "  role {}: {}\n",
            r.name,
            crate::domain::access::Privilege::join(&r.privileges)
        ));
    }
    for n in &p.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    if !p.accounts.is_empty() {
        out.push_str(
            "  XPanel kept passwords in plain text: each imported user must set a new one\n",
        );
    }
    out
}
