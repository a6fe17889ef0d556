//! Project automation for the Currents workspace, run as `cargo xtask <command>`.
//!
//! `import` turns a Currents docs page or OpenAPI document into `spec/fragments/`; `gen` merges the fragments,
//! applies `spec/overlay.json`, validates the result, writes `spec/currents.json` and says what
//! changed in the API; `diff` says the same between a git revision and the working tree;
//! `review` is the Markdown review of a spec change that CI posts on its pull request.

mod bench_report;
mod canonical;
mod diff;
mod fragments;
mod generate;
mod git;
mod import;
mod merge;
mod overlay;
mod refs;
mod review;
mod summary;
mod validate;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

/// Whether a command may write files, or only report what it would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Write the outputs.
    Write,
    /// Write nothing; fail if an output is stale.
    Check,
}

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Project automation for the Currents workspace"
)]
struct Cli {
    /// The workspace to work on; this one by default (a copy, say, in tests).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Split a Currents docs page, or a whole OpenAPI document, into spec/fragments/.
    Import {
        /// A docs page in Markdown (one fenced `json` block per operation) or an OpenAPI JSON
        /// document.
        source: PathBuf,
        /// Overwrite fragments that are already there; by default they are left alone.
        #[arg(long)]
        replace: bool,
    },
    /// Print the ratios of the last `cargo bench -p currents` run, for BENCHMARKS.md.
    BenchReport {
        /// Run the benchmarks this many times first, and report each ratio's median and range.
        #[arg(long, value_name = "N")]
        runs: Option<usize>,
    },
    /// Merge spec/fragments/ and spec/overlay.json into spec/currents.json.
    Gen {
        /// Write nothing; exit non-zero with a diff when spec/currents.json is stale.
        #[arg(long)]
        check: bool,
        /// Write the API diff (the spec on disk before the run against the new one) here, as
        /// Markdown for a pull request.
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
    },
    /// The API diff between spec/currents.json at a git revision and in the working tree.
    Diff {
        /// The revision to compare with, such as origin/main.
        #[arg(long, value_name = "GIT_REF")]
        base: String,
        /// Write the diff here, as Markdown for a pull request.
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
        /// Exit non-zero when the diff has such a change.
        #[arg(long, value_enum)]
        fail_on: Option<diff::FailOn>,
    },
    /// The review of a spec change for its pull request: breaking or not for Rust callers, the
    /// snapshot areas that moved, and the API diff, against a git revision.
    Review {
        /// The revision to compare with, such as origin/main.
        #[arg(long, value_name = "GIT_REF")]
        base: String,
        /// Link each snapshot to its file in this GitHub repository (`owner/name`) ...
        #[arg(long, value_name = "OWNER/NAME", requires = "revision")]
        repository: Option<String>,
        /// ... at this commit, the pull request's head.
        #[arg(long, value_name = "SHA", requires = "repository")]
        revision: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.clone().unwrap_or_else(project_root);
    let result = match cli.command {
        Command::Import { source, replace } => {
            let existing = if replace {
                import::Existing::Replace
            } else {
                import::Existing::Keep
            };
            import::run(&root, &source, existing).map(|report| print!("{report}"))
        }
        Command::BenchReport { runs } => {
            bench_report::run(&root, runs).map(|report| print!("{report}"))
        }
        Command::Gen { check, report } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            generate::run(&root, mode, report.as_deref()).map(|out| print!("{out}"))
        }
        Command::Diff {
            base,
            report,
            fail_on,
        } => diff::run(&root, &base, report.as_deref(), fail_on).map(|out| print!("{out}")),
        Command::Review {
            base,
            repository,
            revision,
        } => {
            let links = repository
                .zip(revision)
                .map(|(repository, revision)| review::Links {
                    repository,
                    revision,
                });
            review::run(&root, &base, links.as_ref()).map(|out| print!("{out}"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, which holds `spec/`.
pub(crate) fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_owned()
}
