//! `xpanel`: the Klustron admin console server.

use clap::Parser;
use server::{config::Config, startup::Application};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `xpanel healthcheck` (the image's HEALTHCHECK): is the console here answering?
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        let listen = std::env::var("XPANEL_LISTEN").unwrap_or_else(|_| "127.0.0.1:18080".into());
        let ok = listen.parse().is_ok_and(server::healthcheck::check);
        std::process::exit(if ok { 0 } else { 1 });
    }
    let config = Config::parse();
    server::logging::init(config.log_format);
    let app = Application::build(&config).await?;
    tracing::info!("KunlunXPanel listening on http://{}/KunlunXPanel", app.local_addr());
    app.run_until_stopped().await
}
