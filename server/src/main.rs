//! `xpanel`: the Klustron admin console server.

use clap::Parser;
use server::{config::Config, startup::Application};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let config = Config::parse();
    let app = Application::build(&config).await?;
    tracing::info!("KunlunXPanel listening on http://{}/KunlunXPanel", app.local_addr());
    app.run_until_stopped().await
}
