//! The `confsite` command line: a thin layer over the library's stages.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use confsite::build::{self, BuildOptions};
use confsite::check;
use confsite::content::LoadOptions;
use confsite::diagnostic::{Failed, Level};
use confsite::import::{self, Format, ImportOptions};
use confsite::{bench, scaffold, theme};

/// Prints a line to stdout; a closed pipe (`confsite theme show x | head`)
/// ends the program quietly instead of panicking.
macro_rules! out {
    () => { out!("") };
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

/// Like `out!` without the newline.
macro_rules! out_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        if write!(stdout, $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

/// Building allocates and frees many small strings and template values on
/// every core; glibc's allocator took about 15% of the CPU time of a
/// 10,000-session build (see README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "confsite",
    version,
    about = "Static sites for conference programs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site that builds straight away.
    Init {
        /// Directory to create (must not exist or be empty).
        dir: PathBuf,
    },
    /// Turn source documents into content pages.
    Import {
        /// The documents to import.
        #[arg(required = true)]
        sources: Vec<PathBuf>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Event slug (directory under content/).
        #[arg(long)]
        event: Option<String>,
        /// Source format; detected when not given.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Event name, when the document lacks it (or to override it).
        #[arg(long)]
        name: Option<String>,
        /// First day of the program, YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        /// IANA time zone, e.g. America/New_York.
        #[arg(long)]
        timezone: Option<String>,
        /// Where the event takes place.
        #[arg(long)]
        location: Option<String>,
        /// Overwrite pages edited by hand since the last import.
        #[arg(long)]
        force: bool,
        /// Report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Render content/ into the output directory.
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory (default: <root>/output).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Public URL the site will live at, e.g. https://org.github.io/conf/.
        #[arg(long)]
        base_url: Option<String>,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Build, serve on localhost, rebuild on change and reload open tabs.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on (keep it local unless you mean to share the preview).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    /// Validate everything and print every problem; non-zero exit on errors.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
        /// `--deny warnings` makes warnings fail too.
        #[arg(long, value_enum)]
        deny: Option<Deny>,
    },
    /// Benchmark builds of generated programs (per-stage times, peak memory).
    Bench(bench::BenchArgs),
    /// See and copy the bundled themes.
    Theme {
        /// The site whose themes (bundled and its own) to look at.
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
        #[command(subcommand)]
        action: ThemeAction,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Subcommand)]
enum ThemeAction {
    /// List the bundled themes.
    List,
    /// Show a theme's description and files.
    Show { name: String },
    /// Copy a bundled theme into <root>/themes/<name> to customise it.
    Eject { name: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode, Failed> {
    match command {
        Command::Init { dir } => {
            let written = scaffold::init(&dir)?;
            for path in written {
                out!("created {}", path.display());
            }
            out!("\nNext: cd {} && confsite build", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            sources,
            root,
            event,
            format,
            name,
            date,
            timezone,
            location,
            force,
            dry_run,
        } => {
            let request = import::write::ImportRequest {
                root,
                sources,
                event,
                format,
                options: ImportOptions {
                    name,
                    date,
                    timezone,
                    location,
                },
                force,
                dry_run,
            };
            let report = import::write::run(&request)?;
            for line in &report.lines {
                out!("{line}");
            }
            for d in &report.diagnostics {
                eprintln!("{d}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Build {
            root,
            output,
            base_url,
            timings,
        } => {
            let started = Instant::now();
            let options = BuildOptions {
                root,
                output,
                base_url,
            };
            let report = build::build(&options)?;
            for f in &report.findings {
                eprintln!("{f}");
            }
            if timings {
                for (stage, d) in &report.timings {
                    eprintln!("{stage:>8}: {:.1} ms", d.as_secs_f64() * 1000.0);
                }
            }
            out!(
                "built {} files ({:.1} MB) into {} in {:.0} ms",
                report.written.files(),
                report.written.bytes as f64 / 1e6,
                options.output_dir().display(),
                started.elapsed().as_secs_f64() * 1000.0
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { root, format, deny } => {
            let findings = check::check_root(&root, &LoadOptions::default());
            match format {
                CheckFormat::Json => out!("{}", check::findings_json(&findings)),
                CheckFormat::Text => {
                    for f in &findings {
                        out!("{f}\n");
                    }
                }
            }
            let errors = findings.iter().filter(|f| f.level == Level::Error).count();
            let warnings = findings.len() - errors;
            if matches!(format, CheckFormat::Text) {
                out!("{errors} error(s), {warnings} warning(s)");
            }
            let failed = errors > 0 || (deny.is_some() && warnings > 0);
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Serve { root, port, bind } => {
            let server = confsite::serve::start(&root, std::net::SocketAddr::new(bind, port))?;
            out!(
                "serving {} at {} (Ctrl-C to stop)",
                root.display(),
                server.url
            );
            server.wait();
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(args) => {
            out_raw!("{}", bench::command(&args)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Theme { root, action } => theme_command(&root, action),
    }
}

fn theme_command(root: &std::path::Path, action: ThemeAction) -> Result<ExitCode, Failed> {
    let themes = theme::Themes::load(root)?;
    match action {
        ThemeAction::List => {
            for name in theme::bundled_names() {
                let description = themes
                    .get(&name)
                    .map(|t| t.meta.description.clone())
                    .unwrap_or_default();
                out!("{name:<10} {description}");
            }
        }
        ThemeAction::Show { name } => {
            let theme = themes.get(&name).ok_or_else(|| unknown_theme(&name))?;
            out!("{}: {}", theme.name, theme.meta.description);
            if let Some(parent) = &theme.meta.extends {
                out!("extends: {parent}");
            }
            if let Some(options) = &theme.meta.options {
                out!(
                    "options: {}",
                    serde_json::to_string_pretty(options).unwrap_or_default()
                );
            }
            out!("templates:");
            for (t, f) in &theme.templates {
                out!("  {t}  ({})", f.origin.display());
            }
            out!("static files:");
            for (s, f) in &theme.statics {
                out!("  {s}  ({})", f.origin.display());
            }
        }
        ThemeAction::Eject { name } => {
            let files = theme::bundled_files(&name).ok_or_else(|| unknown_theme(&name))?;
            let target = root.join("themes").join(&name);
            if target.exists() {
                return Err(Failed(vec![confsite::diagnostic::Diagnostic::error(
                    &target,
                    0,
                    "already exists: remove it or edit it in place",
                )]));
            }
            for (rel, bytes) in files {
                let path = target.join(rel);
                let io = |e: std::io::Error| {
                    Failed(vec![confsite::diagnostic::Diagnostic::error(
                        &path,
                        0,
                        e.to_string(),
                    )])
                };
                std::fs::create_dir_all(path.parent().unwrap_or(&target)).map_err(io)?;
                std::fs::write(&path, bytes).map_err(io)?;
            }
            out!("copied theme `{name}` to {}", target.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn unknown_theme(name: &str) -> Failed {
    Failed(vec![confsite::diagnostic::Diagnostic::error(
        "themes",
        0,
        format!("no theme named `{name}` (see `confsite theme list`)"),
    )])
}
