//! Log set-up for hosts: JSON lines for machines (Lambda, Spin, production), text for people.

use std::str::FromStr;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Self::Json),
            "text" => Ok(Self::Text),
            other => Err(format!("expected `json` or `text`, not `{other}`")),
        }
    }
}

/// Parses a filter such as `info` or `warn,emmaus_http=debug`.
pub fn parse_filter(spec: &str) -> Result<Targets, String> {
    spec.parse::<Targets>().map_err(|e| format!("{e}"))
}

/// Installs the global subscriber, writing to standard error. A second call does nothing, so
/// tests and hosts that initialise twice are safe.
pub fn init(format: LogFormat, filter: Targets) {
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
        LogFormat::Text => {
            // Colour codes only for a terminal: in a file or a pipe they are noise around every field.
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
            registry.with(tracing_subscriber::fmt::layer().with_ansi(ansi).with_writer(std::io::stderr)).try_init()
        }
    };
    drop(result);
}
