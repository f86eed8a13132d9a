//! `klustron-sim`: run the cluster_mgr simulator.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(version, about = "A protocol-faithful cluster_mgr and metadata simulator for XPanel-rs")]
struct Args {
    /// Metadata database: sqlite:PATH (created if missing) or mysql://user:pw@host:port/db.
    #[arg(long, env = "SIM_METADATA_URL", default_value = "sqlite:data/sim/metadata.db")]
    metadata_url: String,
    /// cluster_mgr node addresses, comma-separated; the first leads at start.
    #[arg(
        long,
        env = "SIM_NODES",
        value_delimiter = ',',
        default_value = "127.0.0.1:58000,127.0.0.1:58001"
    )]
    nodes: Vec<SocketAddr>,
    /// Control API address (faults, leader, seeding).
    #[arg(long, env = "SIM_CONTROL", default_value = "127.0.0.1:58100")]
    control: SocketAddr,
    /// Duration of one job step in milliseconds.
    #[arg(long, env = "SIM_STEP_MS", default_value_t = 800)]
    step_ms: u64,
    /// Which cluster_mgr to play: 1.0 (the public source and its metadata DDL) or 1.2
    /// (what XPanel 1.2 and the 1.2.1 tests show).
    #[arg(long, env = "SIM_PROFILE", default_value = "1.0")]
    profile: klustron_sim::Profile,
    /// Seed the demo topology (3 storage + 2 compute machines and a cluster) if empty.
    #[arg(long)]
    demo: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    if let Some(path) = args.metadata_url.strip_prefix("sqlite:") {
        if let Some(dir) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let sim = klustron_sim::Simulator::start(klustron_sim::SimConfig {
        metadata_url: args.metadata_url.clone(),
        nodes: args.nodes,
        control: args.control,
        step: Duration::from_millis(args.step_ms),
        profile: args.profile,
    })
    .await?;
    if args.demo {
        klustron_sim::seed::demo(&sim).await?;
    }
    tracing::info!(
        leader = %sim.leader().await,
        control = %sim.control_addr(),
        metadata = %args.metadata_url,
        profile = %args.profile,
        "klustron-sim ready"
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
