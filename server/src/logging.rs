//! Log output: human-readable text by default, one JSON object per line for log
//! collectors (`--log-format json`). `RUST_LOG` picks what is logged either way.

use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Installs the process's log subscriber; call once, first thing.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    // Colours only on a terminal, and never with NO_COLOR (no-color.org), which the image
    // sets: under `docker run -t` (the installer's `-itd`) stdout is a terminal, and the
    // log driver would store escape codes.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi);
    match format {
        LogFormat::Text => logs.init(),
        // Fields at the top level (`"message"`, `"level"`, `"target"`, the event's own
        // fields), as Loki, Elasticsearch and Vector expect them.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}
