//! `xpanel`: the Klustron admin console server.

use clap::Parser;
use server::{
    config::{Command, Config},
    startup::Application,
};

fn main() -> anyhow::Result<()> {
    // `xpanel healthcheck` (the image's HEALTHCHECK): is the console here answering?
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        // Read by hand, not by `Config::parse`: a probe must not fail on other settings.
        let listen = std::env::var("XPANEL_LISTEN").unwrap_or_else(|_| "127.0.0.1:18080".into());
        let first = listen.split(',').next().unwrap_or_default().trim();
        let ok = first.parse().is_ok_and(server::healthcheck::check);
        std::process::exit(if ok { 0 } else { 1 });
    }
    // Before any thread starts: this may replace the process with itself.
    server::malloc::restart_with_fixed_threshold();
    serve()
}

#[tokio::main]
async fn serve() -> anyhow::Result<()> {
    let config = Config::parse();
    server::logging::init(config.log_format);
    if let Some(Command::ImportXpanelAccounts { dry_run }) = config.command {
        return server::xpanel_accounts::run_command(&config, dry_run).await;
    }
    let app = Application::build(&config).await?;
    for addr in app.local_addrs() {
        tracing::info!("KunlunXPanel listening on http://{addr}/KunlunXPanel");
    }
    app.run_until_stopped().await
}
