//! The command line: `waymark serve`, `waymark check`, `waymark search`, with
//! the options and exit codes of INTERFACE.md. No sub-command means `serve`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::cache::Start;
use crate::content::{LoadError, LoadOptions};
use crate::facet::Facets;
use crate::problem::Problem;
use crate::search::{SearchRequest, Sort};
use crate::site::{BuildError, Site};
use crate::taxonomy::Facet;
use crate::web;

#[derive(Debug, Parser)]
#[command(
    name = "waymark",
    version,
    about = "A searchable portal of ordinarily available SEND provision",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Log lines as text, or as one JSON object a line for a log collector.
    #[arg(
        long,
        global = true,
        env = "WAYMARK_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve(ServeArgs),
    /// Validate every page and the taxonomy, printing each problem as path:line:col: message.
    Check(CheckArgs),
    /// Run the portal's search from a terminal.
    Search(Box<SearchArgs>),
    /// Ask a running portal's /healthz; exit 0 if it answers 200, else 1
    /// (for container health checks).
    Healthz(ListenArgs),
    /// Make draft pages from a council's Word document (.docx) or saved web
    /// page (.html).
    ///
    /// The document is split into one page a section at a heading level. By
    /// default that is the shallowest heading level used more than once (a
    /// title is usually the only top heading; the level below it that repeats
    /// is the one the document is divided by); --split-level chooses another.
    /// Each page gets its title from its heading, its summary from its first
    /// sentence, and needs, tier and kind suggested from the headings above it
    /// and its text (the taxonomy's labels and the synonyms in --content), and
    /// is marked `draft: true`. Lists, tables, bold, italic and links are kept;
    /// images go to DIR/images/. Nothing is written outside --out, and no file
    /// is overwritten without --force. Exit 0 when done, 1 when the document
    /// cannot be read, 2 for bad arguments.
    Import(ImportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The document to import (.docx or .html).
    pub file: PathBuf,
    /// The folder to write the draft pages into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The heading level (1 to 6) to make pages at.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=6))]
    pub split_level: Option<u8>,
    /// Overwrite files already in DIR.
    #[arg(long)]
    pub force: bool,
    /// The content folder whose taxonomy and synonyms guide the suggestions.
    #[arg(
        long,
        env = "WAYMARK_CONTENT",
        default_value = "content",
        value_name = "DIR"
    )]
    pub content: PathBuf,
}

/// Where the portal listens, shared by `serve` (which binds it) and
/// `healthz` (which asks it).
#[derive(Debug, Clone, Args)]
pub struct ListenArgs {
    /// The portal's public address (for `healthz`, an unspecified host such
    /// as 0.0.0.0 is asked on loopback).
    #[arg(
        long,
        env = "WAYMARK_ADDR",
        default_value = "127.0.0.1:3000",
        value_name = "HOST:PORT"
    )]
    pub addr: String,
    /// Serve under this path behind a reverse proxy, for example /send.
    #[arg(
        long,
        env = "WAYMARK_BASE_PATH",
        default_value = "",
        value_name = "PATH"
    )]
    pub base_path: String,
}

impl ListenArgs {
    /// The base path, checked; an unusable one is printed and gives exit code 2.
    fn checked_base_path(&self) -> Result<String, ExitCode> {
        web::proxy::parse_base_path(&self.base_path).map_err(|message| {
            eprintln!("error: {message}");
            ExitCode::from(2)
        })
    }
}

#[derive(Debug, Clone, Args)]
pub struct ContentArgs {
    /// The folder of pages. Give it more than once to stack folders, lowest
    /// first: the last is the council's own, whose site.yaml gives the
    /// settings (WAYMARK_CONTENT takes several separated by `:`).
    #[arg(
        long,
        env = "WAYMARK_CONTENT",
        default_value = "content",
        value_name = "DIR",
        value_delimiter = ':'
    )]
    pub content: Vec<PathBuf>,
    /// Site settings to use instead of DIR/site.yaml.
    #[arg(long, env = "WAYMARK_SITE", value_name = "FILE")]
    pub site: Option<PathBuf>,
}

impl ContentArgs {
    fn options(&self) -> LoadOptions {
        LoadOptions {
            site_file: self.site.clone(),
            ..LoadOptions::stacked(&self.content)
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    #[command(flatten)]
    pub listen: ListenArgs,
    /// Address of the staff listener: the whole portal plus /status, /metrics
    /// and editors' notices; `off` for none. [default: 127.0.0.1:3001]
    #[arg(long, env = "WAYMARK_ADMIN_ADDR", value_name = "HOST:PORT")]
    pub admin_addr: Option<String>,
    /// Do not watch the content folder for changes.
    #[arg(long, env = "WAYMARK_NO_WATCH")]
    pub no_watch: bool,
    /// Where the built index is kept between starts, so a start with
    /// nothing changed need not build it again; `off` for no cache. Never
    /// inside the content folder. [default: a folder under
    /// $XDG_CACHE_HOME/waymark or ~/.cache/waymark]
    #[arg(long, env = "WAYMARK_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Build the index afresh and keep no cache (the same as `--cache-dir
    /// off`, and stronger than any cache folder given).
    #[arg(long)]
    pub no_cache: bool,
    /// Refuse to start when the content has problems.
    #[arg(long, env = "WAYMARK_STRICT")]
    pub strict: bool,
    /// Requests handled at once; more wait their turn.
    #[arg(
        long,
        env = "WAYMARK_MAX_CONCURRENT",
        default_value_t = web::DEFAULT_MAX_CONCURRENT,
        value_name = "N"
    )]
    pub max_concurrent: usize,
    /// Threads answering requests, each with its own event loop on the one
    /// listening socket (0: one per core).
    #[arg(long, env = "WAYMARK_WORKERS", default_value_t = 0, value_name = "N")]
    pub workers: usize,
    /// Open connections at most; never more than the open-file limit
    /// (`ulimit -n`) leaves room for. When they are all open, the oldest
    /// that has not sent a whole request is closed for a new one.
    #[arg(long, env = "WAYMARK_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,
    /// Milliseconds a client may take to send a request's head.
    #[arg(
        long,
        env = "WAYMARK_HEADER_TIMEOUT_MS",
        hide = true,
        value_name = "MS"
    )]
    pub header_timeout_ms: Option<u64>,
    /// Milliseconds a kept-alive connection may wait for its next request.
    #[arg(long, env = "WAYMARK_IDLE_TIMEOUT_MS", hide = true, value_name = "MS")]
    pub idle_timeout_ms: Option<u64>,
}

impl ServeArgs {
    /// The connection limits these options ask for, for `workers` workers.
    fn limits(&self, workers: usize) -> web::conn::Limits {
        let mut limits = web::conn::Limits::new(self.max_connections, workers);
        if let Some(ms) = self.header_timeout_ms {
            limits.header_timeout = std::time::Duration::from_millis(ms.max(1));
        }
        if let Some(ms) = self.idle_timeout_ms {
            limits.idle_timeout = std::time::Duration::from_millis(ms.max(1));
        }
        limits
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The folder of pages. Give it more than once to stack folders, lowest
    /// first: the last is the council's own, whose site.yaml gives the
    /// settings (WAYMARK_CONTENT takes several separated by `:`).
    #[arg(
        long,
        env = "WAYMARK_CONTENT",
        default_value = "content",
        value_name = "DIR",
        value_delimiter = ':'
    )]
    pub content: Vec<PathBuf>,
    /// Output format.
    #[arg(long, env = "WAYMARK_FORMAT", value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// The words to search for (empty lists everything that matches the filters).
    #[arg(default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub content: ContentArgs,
    #[command(flatten)]
    pub filters: FacetFilters,
    /// relevance, updated or title.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    /// Results page, from 1.
    #[arg(long, default_value_t = 1)]
    pub page: usize,
    /// Print the same JSON as /api/search.
    #[arg(long)]
    pub json: bool,
}

/// The facet filters of `waymark search`: a `--KEY ID` flag for each facet
/// of the standard table (`--need`, `--tier`, ...), each repeatable.
#[derive(Debug, Clone, Default)]
pub struct FacetFilters {
    /// Each facet with the values given for it, in table order.
    pub given: Vec<(Facet, Vec<String>)>,
}

impl clap::FromArgMatches for FacetFilters {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut filters = FacetFilters::default();
        filters.update_from_arg_matches(matches)?;
        Ok(filters)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.given = Facets::default()
            .iter()
            .map(|facet| {
                let values = matches
                    .get_many::<String>(facet.name())
                    .map(|v| v.cloned().collect())
                    .unwrap_or_default();
                (facet, values)
            })
            .collect();
        Ok(())
    }
}

impl Args for FacetFilters {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        Facets::default().iter().fold(cmd, |cmd, facet| {
            let help = facet.spec().help;
            cmd.arg(
                clap::Arg::new(facet.name())
                    .long(facet.name())
                    .value_name("ID")
                    .action(clap::ArgAction::Append)
                    .help((!help.is_empty()).then_some(help)),
            )
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Check(args)) => check(&args),
        Some(Command::Search(args)) => search(&args),
        Some(Command::Healthz(args)) => healthz(&args),
        Some(Command::Import(args)) => import(&args),
    }
}

fn import(args: &ImportArgs) -> ExitCode {
    // The taxonomy and synonyms of the content folder, as check reads them;
    // the built-in ones when there is no folder.
    let (taxonomy, synonyms) = if args.content.is_dir() {
        let loaded = match crate::site::check(&LoadOptions::new(&args.content)) {
            Ok(l) => l,
            Err(e) => return report_load_error(&BuildError::Load(e), None),
        };
        let file = args.content.join("synonyms.yaml");
        let synonyms = match std::fs::read_to_string(&file) {
            Ok(text) => crate::search::synonyms::Synonyms::parse(&text).unwrap_or_default(),
            Err(_) => crate::search::synonyms::Synonyms::builtin(),
        };
        (loaded.taxonomy, synonyms)
    } else {
        (
            crate::taxonomy::Taxonomy::builtin(),
            crate::search::synonyms::Synonyms::builtin(),
        )
    };
    let options = crate::import::Options {
        file: &args.file,
        out: &args.out,
        split_level: args.split_level,
        force: args.force,
        taxonomy: &taxonomy,
        synonyms: &synonyms,
        today: crate::clock::today(),
    };
    match crate::import::run(&options) {
        Ok(report) => {
            println!(
                "imported {} page(s) at heading level {}, {} image(s); each is a draft:",
                report.pages.len(),
                report.split_level,
                report.images
            );
            for page in &report.pages {
                let mut todo = Vec::new();
                if page.needs.is_empty() {
                    todo.push("needs");
                }
                if page.tier.is_none() {
                    todo.push("tier");
                }
                todo.extend(["phases", "tags", "links", "evidence"]);
                println!(
                    "  {} ({}; needs: {}; tier: {}); still to fill in: {}",
                    page.path.display(),
                    page.kind,
                    if page.needs.is_empty() {
                        "none".to_string()
                    } else {
                        page.needs.join(", ")
                    },
                    page.tier.as_deref().unwrap_or("none"),
                    todo.join(", ")
                );
            }
            for note in &report.skipped {
                println!("  left out: {note}");
            }
            println!("check each page, then remove `draft: true` to publish it");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// How long `waymark healthz` waits to connect, and then for the answer.
const HEALTHZ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

fn healthz(args: &ListenArgs) -> ExitCode {
    let base_path = match args.checked_base_path() {
        Ok(p) => p,
        Err(code) => return code,
    };
    match crate::healthz::probe(&args.addr, &base_path, HEALTHZ_TIMEOUT) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("unhealthy: {e}");
            ExitCode::from(1)
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

/// Prints why loading failed and picks the exit code: 1 for problems in the
/// settings files, 2 for a folder or file that cannot be read. `shown_in`:
/// the content folder, when the server's log shows problems relative to it
/// (`waymark check` prints paths as given).
fn report_load_error(error: &BuildError, shown_in: Option<&std::path::Path>) -> ExitCode {
    match error {
        BuildError::Load(LoadError::Settings(problems)) => {
            for p in problems {
                match shown_in {
                    Some(dir) => println!("{}", p.shown_in(dir)),
                    None => println!("{p}"),
                }
            }
            eprintln!(
                "error: the taxonomy or site settings have problems; nothing can be checked or served until they are fixed"
            );
            ExitCode::from(1)
        }
        BuildError::Load(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        // A content problem, like a settings one: the files must change.
        e @ BuildError::ShortIdClash { .. } => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        BuildError::Index(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// The index cache's folder for this content, or `None` when it is off.
fn cache_folder(
    args: &ServeArgs,
    options: &LoadOptions,
) -> Result<Option<PathBuf>, crate::cache::location::LocationError> {
    let base = match &args.cache_dir {
        _ if args.no_cache => return Ok(None),
        Some(dir) if dir.as_os_str().eq_ignore_ascii_case("off") => return Ok(None),
        Some(dir) => dir.clone(),
        None => crate::cache::location::default_base(),
    };
    match crate::cache::location::folder(&base, options) {
        // A missing content folder is the load's to report.
        Err(crate::cache::location::LocationError::Content { .. }) => Ok(None),
        other => other.map(Some),
    }
}

/// Where the file of page bodies goes: the cache's folder (it is made there
/// even when the index cache is off), on disk rather than in a temporary
/// folder that may be held in memory.
fn body_folder(args: &ServeArgs) -> PathBuf {
    match &args.cache_dir {
        Some(dir) if !dir.as_os_str().eq_ignore_ascii_case("off") => dir.clone(),
        _ => crate::cache::location::default_base(),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let options = LoadOptions {
        body_dir: Some(body_folder(&args)),
        ..args.content.options()
    };
    let cache = match cache_folder(&args, &options) {
        Ok(folder) => folder,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let site = match crate::cache::load(&options, cache.as_deref()) {
        Ok((site, start)) => {
            match start {
                Start::Built => {}
                Start::Opened => tracing::info!("index: opened from cache"),
                Start::Updated(n) => {
                    tracing::info!("index: opened from cache, {n} changed file(s) applied")
                }
                Start::Rebuilt(why) => {
                    tracing::info!("index: full build, the cache was not used: {why}")
                }
            }
            site
        }
        Err(e) => return report_load_error(&e, Some(&options.content_dir)),
    };
    for p in &site.problems {
        if p.is_error() {
            tracing::warn!("{}", site.show(p));
        } else {
            tracing::info!("{}", site.show(p));
        }
    }
    let base_path = match args.listen.checked_base_path() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let errors = site.errors().count();
    if args.strict && errors > 0 {
        eprintln!("error: {errors} problem(s) in the content; --strict refuses to start");
        return ExitCode::from(1);
    }
    tracing::info!(
        "loaded {} pages from {} in {:.0} ms ({errors} problem(s))",
        site.pages.len(),
        options.content_dir.display(),
        site.load_time.as_secs_f64() * 1000.0
    );
    // This runtime watches the content and waits for a signal; requests are
    // answered on the workers' own threads (`web::serve_workers`).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let workers = match args.workers {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let (listeners, local) = match bind(&args.listen.addr, workers) {
        Ok(bound) => bound,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.listen.addr);
            return ExitCode::from(2);
        }
    };
    let admin = match args.admin_addr.as_deref() {
        Some(off) if off.eq_ignore_ascii_case("off") => None,
        Some(addr) => match bind(addr, 1) {
            Ok(bound) => Some(bound),
            Err(e) => {
                eprintln!("error: cannot listen on {addr} for the staff pages: {e}");
                return ExitCode::from(2);
            }
        },
        // The default may well be taken (a second copy on one machine):
        // the public portal matters more than the staff pages.
        None => match bind(DEFAULT_ADMIN_ADDR, 1) {
            Ok(bound) => Some(bound),
            Err(e) => {
                tracing::warn!(
                    "cannot listen on {DEFAULT_ADMIN_ADDR} for the staff pages (/status, /metrics): {e}; serving without them (see --admin-addr)"
                );
                None
            }
        },
    };
    let limits = args.limits(workers);
    // The staff listener takes few connections, from the reserve that the
    // public cap leaves below the open-file limit.
    let admin_limits = web::conn::Limits {
        max_connections: limits.max_connections.min(ADMIN_MAX_CONNECTIONS),
        ..limits
    };
    if args
        .max_connections
        .is_some_and(|n| n > limits.max_connections)
    {
        tracing::warn!(
            "--max-connections lowered to {}: the open-file limit leaves room for no more",
            limits.max_connections
        );
    }
    runtime.block_on(async move {
        if site.config.base_url.is_none() {
            tracing::warn!(
                "site.yaml gives no base_url: the feed, the sitemap and shared plan links will use http://{local}; set base_url to the portal's public address"
            );
        }
        let state = web::AppState::new(site)
            .with_base_path(base_path)
            .with_origin(format!("http://{local}"))
            .with_max_concurrent(args.max_concurrent);
        // One signal stops both listeners.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            web::shutdown_signal().await;
            let _ = stop.send(true);
        });
        let signal = move || {
            let mut stopped = stopped.clone();
            async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            }
        };
        // Serving starts before the watcher: setting up the watcher walks
        // the whole content folder, and the pages are ready to serve now.
        // "listening on" is logged once both run, so whoever waits for it
        // (tests, scripts) can rely on a save being noticed from then on.
        let server = tokio::spawn(web::serve_workers(
            listeners,
            state.clone(),
            limits,
            signal(),
        ));
        let admin_server = admin.map(|(listeners, at)| {
            // Not "listening on": scripts take the first such line as the
            // public address.
            tracing::info!(
                "staff pages (/status, /metrics) on http://{at}{}",
                state.base_path
            );
            tokio::spawn(web::serve_workers(
                listeners,
                state.staff(),
                admin_limits,
                signal(),
            ))
        });
        let _watcher = if args.no_watch {
            None
        } else {
            match crate::watch::spawn(
                std::sync::Arc::new(state.clone()),
                state.reload.clone(),
                options,
            ) {
                Ok(w) => Some(w),
                Err(e) => {
                    tracing::warn!("cannot watch the content folder, changes need a restart: {e}");
                    None
                }
            }
        };
        tracing::info!(
            "at most {} connections open at once (open-file limit {})",
            limits.max_connections,
            web::conn::fd_limit().map_or_else(|| "unknown".to_string(), |n| n.to_string())
        );
        tracing::info!("listening on http://{local}{}", state.base_path);
        let served = server.await;
        if let Some(admin_server) = admin_server {
            match admin_server.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!("the staff listener stopped: {e}"),
                Err(e) => tracing::error!("the staff listener stopped: {e}"),
            }
        }
        match served {
            Ok(Ok(())) => ExitCode::SUCCESS,
            Ok(Err(e)) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("error: the server stopped: {e}");
                ExitCode::from(1)
            }
        }
    })
}

/// Where the staff listener is when `--admin-addr` is not given.
pub const DEFAULT_ADMIN_ADDR: &str = "127.0.0.1:3001";

/// Binds `addr` (the first of its resolved addresses that can be bound) for
/// `workers` workers.
/// Open connections to the staff listener at most.
const ADMIN_MAX_CONNECTIONS: usize = 16;

fn bind(
    addr: &str,
    workers: usize,
) -> std::io::Result<(Vec<std::net::TcpListener>, std::net::SocketAddr)> {
    let addrs = std::net::ToSocketAddrs::to_socket_addrs(addr)?;
    let mut last = std::io::Error::other("the address resolves to nothing");
    for at in addrs {
        match web::bind_workers(at, workers) {
            Ok(bound) => return Ok(bound),
            Err(e) => last = e,
        }
    }
    Err(last)
}

#[derive(Serialize)]
struct CheckReport<'a> {
    pages: usize,
    errors: usize,
    warnings: usize,
    problems: &'a [Problem],
}

fn check(args: &CheckArgs) -> ExitCode {
    let loaded = match crate::site::check(&LoadOptions::stacked(&args.content)) {
        Ok(l) => l,
        Err(e) => return report_load_error(&BuildError::Load(e), None),
    };
    let errors = loaded.errors();
    let warnings = loaded.problems.len() - errors;
    // One count for both formats: every page file read, loaded or not.
    let checked = loaded.pages.len() + count_failed_files(&loaded.pages, &loaded.problems);
    match args.format {
        Format::Text => {
            for p in &loaded.problems {
                println!("{p}");
            }
            eprintln!("checked {checked} pages: {errors} problem(s), {warnings} warning(s)");
        }
        Format::Json => {
            let report = CheckReport {
                pages: checked,
                errors,
                warnings,
                problems: &loaded.problems,
            };
            match serde_json::to_string_pretty(&report) {
                Ok(json) => println!("{json}"),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Page files that failed entirely, so are not among `pages`: each counted
/// once, however many problems it has. A loaded page with a problem (a
/// broken link) is already counted, and a problem in a settings file is no
/// page.
fn count_failed_files(
    pages: &[std::sync::Arc<crate::content::Page>],
    problems: &[Problem],
) -> usize {
    let loaded: std::collections::HashSet<&std::path::Path> =
        pages.iter().map(|p| p.source.as_path()).collect();
    let failed: std::collections::HashSet<&std::path::Path> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.path.as_path())
        .filter(|path| path.extension().is_some_and(|e| e == "md") && !loaded.contains(path))
        .collect();
    failed.len()
}

fn search(args: &SearchArgs) -> ExitCode {
    let site = match Site::load(&args.content.options()) {
        Ok(site) => site,
        Err(e) => return report_load_error(&e, None),
    };
    let mut request = SearchRequest::new(&args.query);
    request.page = args.page.max(1);
    request.sort = match Sort::parse(&args.sort) {
        Ok(s) => s,
        Err(unknown) => {
            eprintln!("error: {unknown}");
            return ExitCode::from(2);
        }
    };
    for (facet, ids) in &args.filters.given {
        let facet = *facet;
        for id in ids
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if let Err(message) = request.filters.add(facet, id, &site.taxonomy) {
                eprintln!("error: --{}: {message}", facet.name());
                return ExitCode::from(2);
            }
        }
    }
    let results = match site.search(&request) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: the search failed: {e}");
            return ExitCode::from(1);
        }
    };
    if args.json {
        let body = crate::search::answer::search_json(
            &request.q,
            results.page,
            request.per_page,
            &results,
            &site.pages,
        );
        match serde_json::to_string_pretty(&body) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
        return ExitCode::SUCCESS;
    }
    let shown_from = (results.page - 1) * request.per_page;
    println!(
        "{} result(s){}",
        results.total,
        if request.q.is_empty() {
            String::new()
        } else {
            format!(" for \"{}\"", request.q)
        }
    );
    for (i, hit) in results.hits.iter().enumerate() {
        let Some(page) = site.pages.get(hit.ord) else {
            continue;
        };
        let tier = page
            .meta
            .tier
            .as_deref()
            .map(|t| format!(" [{}]", site.taxonomy.label(Facet::TIER, t)))
            .unwrap_or_default();
        println!(
            "{:>3}. {}{} ({})",
            shown_from + i + 1,
            page.meta.title,
            tier,
            page.url
        );
        println!("     {}", page.meta.summary);
    }
    ExitCode::SUCCESS
}
