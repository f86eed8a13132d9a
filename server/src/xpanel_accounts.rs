//! XPanel's accounts at the console's first start, and `xpanel import-xpanel-accounts`.
//! The import itself is `app::backend::xpanel_import`.

use std::io::Write;
use std::time::Duration;

use app::backend::klustron::Klustron;
use app::backend::store::Store;
use app::backend::xpanel_import::{import, report, Imported};

/// How long the first start waits for the metadata cluster before serving without the
/// import (it is tried again at the next start, until something happens in the store).
const AT_START: Duration = Duration::from_secs(15);

/// Imports XPanel's accounts if nothing has happened in the store yet; never fails the
/// start: an import that cannot run says why in the log and is tried at the next start.
pub async fn import_at_first_start(store: &Store, klustron: &Klustron, db: &str) {
    match store.is_untouched().await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(error = %e, "XPanel accounts: could not read the store");
            return;
        }
    }
    let run = async {
        let meta = klustron.meta().await.map_err(|e| e.to_string())?;
        import(store, &meta, db, false).await.map_err(|e| e.to_string())
    };
    match tokio::time::timeout(AT_START, run).await {
        Ok(Ok(Some(done))) => log(&done),
        Ok(Ok(None)) => tracing::info!(db, "XPanel accounts: none in the metadata (no {db})"),
        Ok(Err(e)) => tracing::warn!(
            error = %e,
            "XPanel accounts not imported; tried again at the next start, or run `xpanel import-xpanel-accounts`"
        ),
        Err(_) => tracing::warn!(
            "XPanel accounts not imported: the metadata did not answer within {} s; tried again at the next start",
            AT_START.as_secs()
        ),
    }
}

fn log(done: &Imported) {
    for line in report(done).lines() {
        tracing::info!("{line}");
    }
}

/// The command: prints what it imported (or, with `dry_run`, would import).
pub async fn run_command(config: &crate::config::Config, dry_run: bool) -> anyhow::Result<()> {
    let klustron = config.klustron()?.ok_or_else(|| {
        anyhow::anyhow!("METASEEDS is not set: XPanel's accounts live in the metadata cluster")
    })?;
    let store = Store::open_configured(config.store_url.as_deref(), &config.data_dir).await?;
    // As the console's first start would (a dry run writes nothing, not even this).
    if !dry_run {
        crate::startup::seed_initial_account(&store).await?;
    }
    let meta = klustron.meta().await.map_err(|e| anyhow::anyhow!("the metadata cluster: {e}"))?;
    // The report is the command's answer, for the operator to read.
    let mut out = std::io::stdout().lock();
    match import(&store, &meta, &config.xpanel_db, dry_run).await? {
        Some(done) => {
            write!(out, "{}", report(&done))?;
            if dry_run {
                writeln!(out, "dry run: nothing was written")?;
            }
        }
        None => {
            writeln!(out, "no {} on the metadata cluster: nothing to import", config.xpanel_db)?
        }
    }
    Ok(())
}
