//! The `emmaus` command: run the local server, or print the API's OpenAPI document.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use emmaus::config::{Layers, SETTINGS};
use emmaus_http::telemetry;

/// mimalloc rather than the system allocator: a request allocates and frees on whichever worker
/// thread runs it, and glibc's per-thread arenas then take locks to free another thread's memory.
/// `scripts/bench/http` measured the difference (see docs/adr/0015-the-local-request-path.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "emmaus", version, about = "Emmaus: coaching and discipleship, run locally.", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the web app on one address, with data in a local folder.
    #[command(after_help = settings_help())]
    Serve(ServeArgs),
    /// Operate on people in the local data folder.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage the keys in the local data folder.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// See and put back the outbox's parked tasks in the local data folder.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Bring notes from elsewhere into an organisation's library in the local data folder.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Rebuild an organisation's search index in the local data folder from its records.
    Reindex {
        /// The organisation's short name, e.g. grace-church.
        #[arg(long, value_name = "SLUG")]
        org: String,
        #[command(flatten)]
        place: DataArgs,
    },
    /// Install the fonts printed sessions (PDF, DOCX) are set in, into the local data folder's files.
    #[command(subcommand)]
    Fonts(FontsCommand),
    /// Print docs/permissions.md, generated from the permission matrix (a test keeps the file current).
    Permissions,
    /// Print the OpenAPI document of the whole API (or check the committed copy with --check).
    Openapi {
        /// Compare with functions/system/openapi.json instead of printing; exit 1 when they differ.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import an Obsidian vault (a folder or a .zip of one); run it again to bring the changes.
    Obsidian {
        /// The vault's folder, or a .zip of it.
        path: PathBuf,
        /// The organisation's short name, e.g. grace-church.
        #[arg(long, value_name = "SLUG")]
        org: String,
        /// The collection the vault's root becomes; its folders nest under it.
        #[arg(long, value_name = "NAME")]
        collection: Option<String>,
        /// The vault's name in the library [default: the folder's or the archive's name].
        #[arg(long, value_name = "NAME")]
        vault: Option<String>,
        /// Import as this member [default: the organisation's longest-standing admin].
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
        /// Move what the vault no longer has to the trash (else it is only reported).
        #[arg(long)]
        trash_removed: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        place: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an organisation and its first admin (an existing account keeps its password).
    Create {
        /// The admin's email address.
        #[arg(long)]
        email: String,
        /// The organisation's short name in links, e.g. grace-church.
        #[arg(long, value_name = "SLUG")]
        org: String,
        /// The organisation's display name [default: the slug].
        #[arg(long)]
        org_name: Option<String>,
        /// The admin's display name [default: the part of the email before @].
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        place: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum FontsCommand {
    /// Add font files (.ttf, .otf, .ttc); the first by name is the text's font, the others its
    /// fallbacks for the letters it lacks (e.g. Hebrew, Korean). Adding one again replaces it.
    Add {
        /// The font files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Install into a Spin app's `default` database (e.g. `.spin/sqlite_db.db`) instead of the
        /// data folder, for a Spin deployment that keeps files there.
        #[arg(long, value_name = "FILE")]
        spin_database: Option<PathBuf>,
        #[command(flatten)]
        place: DataArgs,
    },
    /// List the installed fonts.
    List {
        /// List a Spin app's `default` database instead of the data folder.
        #[arg(long, value_name = "FILE")]
        spin_database: Option<PathBuf>,
        #[command(flatten)]
        place: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Sign sessions with a new key; the previous key keeps verifying, so nobody is signed out.
    Rotate {
        #[command(flatten)]
        place: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum OutboxCommand {
    /// List the parked tasks (oldest first): id, kind, attempts, last error.
    Parked {
        #[command(flatten)]
        place: DataArgs,
    },
    /// Put a parked task back in the queue, due at once, once what made it fail is mended.
    Requeue {
        /// The task's id, as `emmaus outbox parked` lists it.
        id: String,
        #[command(flatten)]
        place: DataArgs,
    },
}

/// Where the data folder is, for commands that work on it offline.
#[derive(Debug, clap::Args)]
struct DataArgs {
    #[arg(long, value_name = "DIR", help = "The data folder [env: EMMAUS_DATA_DIR] [default: ./data]")]
    data_dir: Option<String>,
    #[arg(
        long,
        value_name = "FILE",
        help = "Settings file [env: EMMAUS_CONFIG] [default: ./emmaus.toml when present]"
    )]
    config: Option<PathBuf>,
}

/// Flags of `emmaus serve`; help texts are attributes so `--help` shows them verbatim.
#[derive(Debug, clap::Args)]
struct ServeArgs {
    #[arg(
        long,
        value_name = "ADDR",
        help = "Address and port to listen on [env: EMMAUS_LISTEN] [default: 127.0.0.1:8080]"
    )]
    listen: Option<String>,
    #[arg(
        long,
        value_name = "DIR",
        help = "Folder for the database, files and keys [env: EMMAUS_DATA_DIR] [default: ./data]"
    )]
    data_dir: Option<String>,
    #[arg(
        long,
        value_name = "DIR",
        help = "Serve the web app from this folder instead of the embedded copy [env: EMMAUS_SITE_DIR]"
    )]
    site_dir: Option<String>,
    #[arg(
        long,
        value_name = "FILE",
        help = "Settings file [env: EMMAUS_CONFIG] [default: ./emmaus.toml when present]"
    )]
    config: Option<PathBuf>,
    #[arg(long, value_name = "FILTER", help = "Log filter, e.g. info or warn,emmaus_http=debug [env: EMMAUS_LOG]")]
    log: Option<String>,
    #[arg(long, value_name = "FORMAT", help = "Log format: text or json [env: EMMAUS_LOG_FORMAT]")]
    log_format: Option<String>,
}

fn settings_help() -> String {
    let mut text = String::from("Settings (flag > EMMAUS_<NAME> environment variable > emmaus.toml key):\n");
    for (key, meaning) in SETTINGS {
        let _ = writeln!(text, "  {key:<15} {meaning}");
    }
    text
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args),
        Command::Admin(AdminCommand::Create { email, org, org_name, name, password_stdin, place }) => {
            let args = emmaus::admin::AdminCreate { email, org, org_name, name, password_stdin };
            offline(&place).and_then(|config| {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                runtime.block_on(emmaus::admin::create(&config, &args)).map(|done| println!("{done}"))
            })
        }
        Command::Keys(KeysCommand::Rotate { place }) => {
            offline(&place).and_then(|config| emmaus::admin::rotate_keys(&config).map(|done| println!("{done}")))
        }
        Command::Outbox(OutboxCommand::Parked { place }) => {
            offline(&place).and_then(|config| print_when_done(emmaus::admin::outbox_parked(&config)))
        }
        Command::Outbox(OutboxCommand::Requeue { id, place }) => {
            offline(&place).and_then(|config| print_when_done(emmaus::admin::outbox_requeue(&config, &id)))
        }
        Command::Import(ImportCommand::Obsidian {
            path,
            org,
            collection,
            vault,
            as_email,
            trash_removed,
            json,
            place,
        }) => {
            let args = emmaus::import::ObsidianImport { path, org, collection, vault, as_email, trash_removed, json };
            offline(&place).and_then(|config| print_when_done(emmaus::import::obsidian(&config, &args)))
        }
        Command::Reindex { org, place } => {
            offline(&place).and_then(|config| print_when_done(emmaus::admin::reindex(&config, &org)))
        }
        Command::Fonts(FontsCommand::Add { files, spin_database, place }) => offline(&place)
            .and_then(|config| print_when_done(emmaus::admin::fonts_add(&config, &files, spin_database.as_deref()))),
        Command::Fonts(FontsCommand::List { spin_database, place }) => offline(&place)
            .and_then(|config| print_when_done(emmaus::admin::fonts_list(&config, spin_database.as_deref()))),
        Command::Permissions => {
            print!("{}", emmaus_domain::permissions::markdown());
            Ok(())
        }
        Command::Openapi { check } => openapi(check),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", format!("{error:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

/// Runs an offline command's work to its end and prints what it says.
fn print_when_done(work: impl Future<Output = anyhow::Result<String>>) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(work).map(|done| print!("{done}"))
}

/// Settings for an offline command: the same layers as `serve`, quietly logged.
fn offline(place: &DataArgs) -> anyhow::Result<emmaus::config::ServeConfig> {
    let mut layers = base_layers(place.config.clone())?;
    layers.flag("data_dir", place.data_dir.clone());
    let config = layers.resolve().map_err(anyhow::Error::msg)?;
    telemetry::init(config.log_format, telemetry::parse_filter("warn").map_err(anyhow::Error::msg)?);
    Ok(config)
}

fn base_layers(config: Option<PathBuf>) -> anyhow::Result<Layers> {
    let mut layers = Layers::default();
    let explicit = config.or_else(|| std::env::var_os("EMMAUS_CONFIG").map(PathBuf::from));
    match explicit {
        Some(path) => layers.file(&path).map_err(anyhow::Error::msg)?,
        None if std::path::Path::new("emmaus.toml").is_file() => {
            layers.file(std::path::Path::new("emmaus.toml")).map_err(anyhow::Error::msg)?;
        }
        None => {}
    }
    layers.env(|key| std::env::var(key).ok());
    Ok(layers)
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut layers = base_layers(args.config.clone())?;
    layers.flag("listen", args.listen);
    layers.flag("data_dir", args.data_dir);
    layers.flag("site_dir", args.site_dir);
    layers.flag("log", args.log);
    layers.flag("log_format", args.log_format);
    let config = layers.resolve().map_err(anyhow::Error::msg)?;
    let filter = telemetry::parse_filter(&config.log).map_err(anyhow::Error::msg)?;
    telemetry::init(config.log_format, filter);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(emmaus::server::run(&config))
}

fn openapi(check: bool) -> anyhow::Result<()> {
    let generated = emmaus::api::document_json();
    if !check {
        print!("{generated}");
        return Ok(());
    }
    if generated == system::API_DOCUMENT {
        println!("functions/system/openapi.json is current");
        Ok(())
    } else {
        anyhow::bail!("functions/system/openapi.json is stale; run scripts/gen-openapi")
    }
}
