//! The server's configuration: command-line flags, each also settable by environment.

use clap::Parser;
use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Debug, Clone, Parser)]
#[command(name = "xpanel", version, about = "XPanel-rs: the Klustron admin console")]
pub struct Config {
    /// What to do; without a command, serve the console.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Addresses and ports to listen on, `ip:port,ip:port` (the image: 80 and 18080).
    #[arg(long, env = "XPANEL_LISTEN", default_value = "0.0.0.0:18080", value_delimiter = ',')]
    pub listen: Vec<SocketAddr>,

    /// `uid:gid` to become after binding, when started as root (the image starts as
    /// root so it can bind port 80 on any engine, then runs as 10001:10001).
    #[arg(long, env = "XPANEL_RUN_AS")]
    pub run_as: Option<String>,

    /// Directory for the console's own data (the SQLite store unless --store-url).
    #[arg(long, env = "XPANEL_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// The console's store when several instances share one: `mysql://user:pw@host/db`
    /// or `postgres://user:pw@host/db`. Without it, a SQLite file in the data dir.
    #[arg(long, env = "XPANEL_STORE_URL", hide_env_values = true)]
    pub store_url: Option<String>,

    /// Directory holding the compiled site (JS, wasm, CSS, assets).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Mark the session cookie Secure. Turn on when the console is served over HTTPS;
    /// browsers do not keep Secure cookies over plain http://<ip>.
    #[arg(long, env = "XPANEL_COOKIE_SECURE", default_value_t = false, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,

    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "XPANEL_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,

    /// Hours after login after which a session ends regardless of activity.
    #[arg(long, env = "XPANEL_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u64,

    /// Host names the console answers for, besides IP addresses, `localhost` and this
    /// machine's name (`*`: any, behind a proxy that checks the name). Requests naming
    /// another host get 421, which stops DNS rebinding.
    #[arg(long, env = "XPANEL_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,

    /// A token `/readyz` and `/metrics` require (`Authorization: Bearer <token>`); without
    /// it they answer anyone who reaches the port (`/healthz` always does).
    #[arg(long, env = "XPANEL_OPS_TOKEN", hide_env_values = true)]
    pub ops_token: Option<String>,

    /// Log lines as `text` or as `json` (one object per line, for log collectors).
    #[arg(long, env = "XPANEL_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: crate::logging::LogFormat,

    /// Klustron metadata seeds, `ip:port,ip:port` (as XPanel's METASEEDS).
    #[arg(long, env = "METASEEDS", value_delimiter = ',')]
    pub metaseeds: Vec<String>,

    /// cluster_mgr HTTP addresses, `ip:port,...`; normally found through the metadata.
    #[arg(long, env = "XPANEL_CLUSTER_MGR", value_delimiter = ',')]
    pub cluster_mgr: Vec<String>,

    /// Account for reading the metadata cluster (XPanel uses pgx).
    #[arg(long, env = "META_USER", default_value = "pgx")]
    pub meta_user: String,

    /// Seconds to wait for cluster_mgr's answer to one request.
    #[arg(long, env = "XPANEL_CLUSTER_MGR_TIMEOUT_SECS", default_value_t = 10)]
    pub cluster_mgr_timeout_secs: u64,

    /// Seconds a job may wait in cluster_mgr's queue (no memo yet) before the console
    /// gives it up as never started.
    #[arg(long, env = "XPANEL_JOB_START_TIMEOUT_SECS", default_value_t = 180)]
    pub job_start_timeout_secs: u64,

    /// Seconds a job cluster_mgr set up may go without reporting anything (delete_node
    /// reports only its end) before the console stops following it.
    #[arg(long, env = "XPANEL_JOB_SILENT_TIMEOUT_SECS", default_value_t = 1800)]
    pub job_silent_timeout_secs: u64,

    /// The metadata cluster's database with XPanel's users, roles and grants, imported at
    /// the first start and by `import-xpanel-accounts`. Only read.
    #[arg(long, env = "XPANEL_ACCOUNTS_DB", default_value = klustron::metadata::xpanel_accounts::XPANEL_DB)]
    pub xpanel_db: String,

    /// Password of the metadata account.
    #[arg(long, env = "META_PASSWORD", default_value = "pgx_pwd", hide_env_values = true)]
    pub meta_password: String,
}

/// The commands besides serving.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Exit 0 if the console on the first --listen address serves its login page (the
    /// image's HEALTHCHECK).
    Healthcheck,
    /// Import XPanel's users, roles and grants from the metadata cluster (see
    /// docs/XPANEL-IMPORT.md); what is there already is left alone, so it can run again.
    ImportXpanelAccounts {
        /// Print what would be imported; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

impl Config {
    /// Klustron's metadata and cluster_mgr, when METASEEDS is set.
    pub fn klustron(
        &self,
    ) -> anyhow::Result<Option<std::sync::Arc<app::backend::klustron::Klustron>>> {
        Ok(self.klustron_seeds()?.map(|seeds| {
            std::sync::Arc::new(app::backend::klustron::Klustron::new(
                seeds,
                self.cluster_mgr.clone(),
                Duration::from_secs(self.cluster_mgr_timeout_secs.max(1)),
            ))
        }))
    }

    /// The Klustron seeds, checked: `None` without METASEEDS, an error for a bad one.
    pub fn klustron_seeds(&self) -> anyhow::Result<Option<klustron::MetaSeeds>> {
        if self.metaseeds.iter().all(|s| s.trim().is_empty()) {
            return Ok(None);
        }
        let seeds = klustron::MetaSeeds::parse(
            &self.metaseeds.join(","),
            &self.meta_user,
            &self.meta_password,
        )
        .map_err(|e| anyhow::anyhow!("METASEEDS: {e}"))?;
        for addr in &self.cluster_mgr {
            klustron::discovery::split_host_port(addr)
                .ok_or_else(|| anyhow::anyhow!("--cluster-mgr: {addr:?} is not host:port"))?;
        }
        Ok(Some(seeds))
    }

    /// How the console follows cluster_mgr jobs.
    pub fn job_policy(&self) -> app::backend::jobs::JobPolicy {
        app::backend::jobs::JobPolicy {
            start_timeout: Duration::from_secs(self.job_start_timeout_secs.max(1)),
            silent_timeout: Duration::from_secs(self.job_silent_timeout_secs.max(1)),
            ..Default::default()
        }
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.session_idle_minutes * 60)
    }

    pub fn absolute_timeout(&self) -> Duration {
        Duration::from_secs(self.session_max_hours * 3600)
    }
}
