//! The command line: global options, commands and their arguments.

use std::{fmt, path::PathBuf, str::FromStr, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};
use currents::{API_KEY_ENV, API_URL_ENV, DEFAULT_TIMEOUT, PRODUCTION_URL, WaitOptions};

/// The project id, as `@currents/cmd` reads it in CI.
pub(crate) const PROJECT_ID_ENV: &str = "CURRENTS_PROJECT_ID";
/// The workflow run id a GitHub Actions step sees (`github.run_id`).
pub(crate) const GITHUB_RUN_ID_ENV: &str = "GITHUB_RUN_ID";
/// The workflow run attempt a GitHub Actions step sees (`github.run_attempt`).
pub(crate) const GITHUB_RUN_ATTEMPT_ENV: &str = "GITHUB_RUN_ATTEMPT";

/// The exit codes, shown in `--help` and the README.
pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  success, or the waited-for run passed
  1  the waited-for or summarised run failed, was cancelled or timed out
  2  invalid input; no request was sent
  3  API or transport error
  4  not found
  5  the wait deadline passed";

#[derive(Debug, Parser)]
#[command(
    name = "currents",
    version,
    about = "Query and manage Currents test runs from the shell and CI pipelines",
    after_help = EXIT_CODES
)]
pub(crate) struct Cli {
    /// Currents API key.
    #[arg(long, env = API_KEY_ENV, hide_env_values = true, global = true)]
    pub(crate) api_key: Option<String>,

    /// API base URL.
    #[arg(long, env = API_URL_ENV, hide_env_values = true, global = true, default_value = PRODUCTION_URL)]
    pub(crate) base_url: String,

    /// Total time for each API call, retries included (e.g. 45s, 2m).
    #[arg(long, global = true, default_value_t = HumanDuration(DEFAULT_TIMEOUT))]
    pub(crate) request_timeout: HumanDuration,

    /// Output format [default: table on a terminal, json when piped].
    #[arg(long, value_enum, global = true)]
    pub(crate) output: Option<Format>,

    /// Log to stderr: -v for requests, -vv for everything. The API key is never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub(crate) verbose: u8,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned text for people.
    Table,
    /// JSON for scripts: the API's `data` exactly as it was received.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Query and manage runs.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES)]
pub(crate) enum RunsCommand {
    /// Show a run.
    Get(RunArg),
    /// Find the most recent completed run of a project that matches the filters.
    Find(FindArgs),
    /// Cancel a running run; "already cancelled" is not an error.
    Cancel(RunArg),
    /// Cancel the run of a GitHub Actions workflow run.
    CancelGithub(CancelGithubArgs),
    /// Reset the failed specs of the given machines, in batches of up to 63.
    Reset(ResetArgs),
    /// Reset every machine that ran a failed spec.
    ResetFailed(RunArg),
    /// Delete a run and all its data.
    Delete(DeleteArgs),
    /// Wait until a run finishes; exit 0 if it passed, 1 if not, 5 at the deadline.
    Wait(WaitArgs),
    /// Summarise a run's outcome; exit 0 if it passed, 1 if not.
    Summary(RunArg),
}

#[derive(Debug, Args)]
pub(crate) struct RunArg {
    /// The run id.
    pub(crate) run_id: String,
}

#[derive(Debug, Args)]
pub(crate) struct FindArgs {
    /// The project id.
    #[arg(long, env = PROJECT_ID_ENV, hide_env_values = true)]
    pub(crate) project: String,
    /// A branch name, or a prefix ending in '*' (e.g. 'release/*').
    #[arg(long)]
    pub(crate) branch: Option<String>,
    /// Only runs with this tag; repeat for several (all must match).
    #[arg(long = "tag")]
    pub(crate) tags: Vec<String>,
    /// The run with this CI build id.
    #[arg(long)]
    pub(crate) ci_build_id: Option<String>,
    /// Include the run's failed tests, as Playwright's last-run file lists them (Playwright
    /// only).
    #[arg(long)]
    pub(crate) pw_last_run: bool,
    /// Write Playwright's `.last-run.json` here, as `@currents/cmd` does, for
    /// `playwright test --last-failed`. A relative path must stay in the working directory.
    #[arg(long, requires = "pw_last_run", value_name = "PATH")]
    pub(crate) last_run_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CancelGithubArgs {
    /// The GitHub Actions workflow run id (github.run_id).
    #[arg(long, env = GITHUB_RUN_ID_ENV, hide_env_values = true)]
    pub(crate) github_run_id: String,
    /// The workflow run attempt (github.run_attempt).
    #[arg(long, env = GITHUB_RUN_ATTEMPT_ENV, hide_env_values = true)]
    pub(crate) attempt: u32,
    /// Only cancel a run of this project.
    #[arg(long, env = PROJECT_ID_ENV, hide_env_values = true)]
    pub(crate) project: Option<String>,
    /// Only cancel the run with this CI build id.
    #[arg(long)]
    pub(crate) ci_build_id: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ResetArgs {
    /// The run id.
    pub(crate) run_id: String,
    /// A machine whose failed specs to reset; repeat for several (any number).
    #[arg(long = "machine", required = true)]
    pub(crate) machines: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The run id.
    pub(crate) run_id: String,
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(long, short)]
    pub(crate) yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// The run id.
    pub(crate) run_id: String,
    /// Stop waiting after this long, however long each call takes (e.g. 30m, 1h); exit 5.
    #[arg(long, default_value_t = HumanDuration(WaitOptions::default().timeout))]
    pub(crate) timeout: HumanDuration,
    /// The first interval between polls; it grows up to four times this.
    #[arg(long, default_value_t = HumanDuration(WaitOptions::default().poll))]
    pub(crate) poll: HumanDuration,
}

/// A duration written the way people write it: `500ms`, `10s`, `30m`, `1h 30m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HumanDuration(pub(crate) Duration);

impl FromStr for HumanDuration {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        humantime::parse_duration(value)
            .map(HumanDuration)
            .map_err(|error| format!("{error} (use e.g. 500ms, 10s, 30m)"))
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        humantime::format_duration(self.0).fmt(f)
    }
}
