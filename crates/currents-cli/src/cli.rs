//! The command line: global options, commands and their arguments.

use std::{fmt, path::PathBuf, str::FromStr, time::Duration};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum, builder::PossibleValuesParser};
use currents::{
    API_KEY_ENV, ActionId, CiBuildId, DEFAULT_TIMEOUT, HookId, InstanceId, JiraIssueKey, MachineId,
    ProjectId, RunId, TestSignature, WaitOptions,
    api::types::{
        ActionStatus, AffectedActionType, CancelRunGithubCiRequestGithubRunId, ContextDetail,
        ErrorDimension, ErrorOrder, JiraInstallationId, JiraProjectId, PullRequestOrder,
        RunStatusFilter, SpecFileOrder, TermType, TestOrder,
    },
};

use crate::exit::EXIT_CODES;

/// The REST API's base URL without `/v1`, as `@currents/cmd` reads it.
pub(crate) const REST_API_URL_ENV: &str = "CURRENTS_REST_API_URL";
/// The project id, as `@currents/cmd` reads it in CI.
pub(crate) const PROJECT_ID_ENV: &str = "CURRENTS_PROJECT_ID";
/// The workflow run id a GitHub Actions step sees (`github.run_id`).
pub(crate) const GITHUB_RUN_ID_ENV: &str = "GITHUB_RUN_ID";
/// The workflow run attempt a GitHub Actions step sees (`github.run_attempt`).
pub(crate) const GITHUB_RUN_ATTEMPT_ENV: &str = "GITHUB_RUN_ATTEMPT";

#[derive(Debug, Parser)]
#[command(
    name = "currents",
    version,
    about = "Query and manage Currents test runs from the shell and CI pipelines",
    after_help = EXIT_CODES.as_str()
)]
pub(crate) struct Cli {
    /// Currents API key.
    #[arg(long, env = API_KEY_ENV, hide_env_values = true, global = true)]
    pub(crate) api_key: Option<String>,

    /// API base URL
    ///
    /// [env: CURRENTS_API_URL, or CURRENTS_REST_API_URL without /v1 as @currents/cmd reads it]
    ///
    /// [default: https://api.currents.dev/v1]
    #[arg(long, global = true)]
    pub(crate) base_url: Option<String>,

    /// Total time for each API call, retries included (e.g. 45s, 2m).
    #[arg(long, global = true, default_value_t = HumanDuration(DEFAULT_TIMEOUT))]
    pub(crate) request_timeout: HumanDuration,

    /// How many pages of a list are fetched at once; 1 fetches one page after another.
    #[arg(long, global = true, default_value_t = currents::DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub(crate) concurrency: u16,

    /// Output format [default: table on a terminal, json when piped].
    #[arg(long, value_enum, global = true)]
    pub(crate) output: Option<Format>,

    /// Log to stderr: -v for requests, -vv for everything. The API key is never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub(crate) verbose: u8,

    #[command(subcommand)]
    pub(crate) command: Command,

    /// Where `api_key` came from: the flag or the variable (clap knows; the derive does not
    /// keep it).
    #[arg(skip)]
    pub(crate) api_key_from: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned text for people.
    Table,
    /// JSON for scripts: the API's `data` exactly as it was received; a list prints one item per line (NDJSON), as it arrives.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Query and manage runs.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// List and show projects.
    #[command(subcommand)]
    Projects(ProjectsCommand),
    /// Show an instance: one spec file run on one machine, with its tests.
    #[command(subcommand)]
    Instances(InstancesCommand),
    /// Spec-file metrics of a project over a date range, slowest first unless ordered.
    SpecFiles(SpecFilesArgs),
    /// Test metrics of a project over a date range (the tests explorer).
    Tests(TestsArgs),
    /// Every result of one test over a date range, newest first.
    TestResults(TestResultsArgs),
    /// Print the signature Currents gives a test.
    Signature(SignatureArgs),
    /// Manage Actions: rules that skip, quarantine or tag the tests they match.
    #[command(subcommand)]
    Actions(ActionsCommand),
    /// The errors explorer: a project's test errors over a date range, most frequent first.
    Errors(ErrorsArgs),
    /// Manage a project's HTTP webhooks.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// The failure context of a run, an instance or a test, as JSON or Markdown.
    Context(ContextArgs),
    /// A project's pull-request cards: its runs grouped by pull request.
    Prs(PrsArgs),
    /// The values of one kind of term a project's runs carry (tags, branches, authors...).
    Terms(TermsArgs),
    /// The Jira integration: projects, issue types, and issues from run tests.
    #[command(subcommand)]
    Jira(JiraCommand),
    /// Call any route below the base URL, as `gh api` does: GET with -f as query, other
    /// methods with -f as a JSON body; --paginate follows the pages.
    Api(ApiArgs),
    /// See where the API key comes from and whether the API accepts it.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES.as_str())]
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
    /// List a project's runs, newest first, as they arrive: NDJSON when piped.
    List(ListRunsArgs),
}

#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES.as_str())]
pub(crate) enum AuthCommand {
    /// Where the key comes from (never the key), the base URL and why, whether the API
    /// accepts the key, and the projects it sees.
    Status,
}

#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES.as_str())]
pub(crate) enum ProjectsCommand {
    /// List the organization's projects, newest first.
    List(LimitArg),
    /// Show a project.
    Get {
        /// The project id.
        project_id: ProjectId,
    },
}

#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES.as_str())]
pub(crate) enum InstancesCommand {
    /// Show an instance with its tests.
    Get {
        /// The instance id.
        instance_id: InstanceId,
    },
}

#[derive(Debug, Args)]
pub(crate) struct LimitArg {
    /// Stop after this many items.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct ListRunsArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    /// A branch name, or a prefix ending in '*'; repeat for several (any may match).
    #[arg(long = "branch")]
    pub(crate) branches: Vec<String>,
    /// Only runs with this tag; repeat, or separate with commas as @currents/cmd does, for several (all must match, unless --any-tag).
    #[arg(long = "tag", value_delimiter = ',')]
    pub(crate) tags: Vec<String>,
    /// Match runs with any of the tags rather than all of them.
    #[arg(long)]
    pub(crate) any_tag: bool,
    /// Only runs whose commit has this author; repeat for several.
    #[arg(long = "author")]
    pub(crate) authors: Vec<String>,
    /// Only runs with this status (any case); repeat for several.
    #[arg(long = "status", ignore_case = true,
          value_parser = PossibleValuesParser::new(RunStatusFilter::KNOWN))]
    pub(crate) statuses: Vec<String>,
    /// Only runs whose CI build id or commit message contains this text.
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// Only runs created at or after this time: RFC 3339, a date, or a duration ago (7d).
    #[arg(long)]
    pub(crate) since: Option<TimeArg>,
    /// Only runs created at or before this time (same forms as --since).
    #[arg(long)]
    pub(crate) until: Option<TimeArg>,
    /// Stop after this many runs.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

/// A date range for metrics, 30 days up to now unless given.
#[derive(Debug, Args)]
pub(crate) struct RangeArgs {
    /// The start: RFC 3339, a date (2026-11-01), or a duration ago (30d).
    #[arg(long, default_value = "30d")]
    pub(crate) since: TimeArg,
    /// The end (same forms as --since); now unless given.
    #[arg(long)]
    pub(crate) until: Option<TimeArg>,
}

/// Filters shared by the metrics commands.
#[derive(Debug, Args)]
pub(crate) struct MetricsFilterArgs {
    /// Only runs with this tag; repeat, or separate with commas, for several.
    #[arg(long = "tag", value_delimiter = ',')]
    pub(crate) tags: Vec<String>,
    /// Only runs on this branch (or prefix ending in '*'); repeat for several.
    #[arg(long = "branch")]
    pub(crate) branches: Vec<String>,
    /// Only this group (browser); repeat for several.
    #[arg(long = "group")]
    pub(crate) groups: Vec<String>,
    /// Only runs whose commit has this author; repeat for several.
    #[arg(long = "author")]
    pub(crate) authors: Vec<String>,
}

/// What every metrics list takes: the project, the date range, the filters, and how many.
#[derive(Debug, Args)]
pub(crate) struct MetricsArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    #[command(flatten)]
    pub(crate) range: RangeArgs,
    #[command(flatten)]
    pub(crate) filters: MetricsFilterArgs,
    /// Ascending order instead of descending.
    #[arg(long)]
    pub(crate) ascending: bool,
    /// Stop after this many items.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct SpecFilesArgs {
    #[command(flatten)]
    pub(crate) metrics: MetricsArgs,
    /// The metric to order by.
    #[arg(long, value_parser = PossibleValuesParser::new(SpecFileOrder::KNOWN))]
    pub(crate) order: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct TestsArgs {
    #[command(flatten)]
    pub(crate) metrics: MetricsArgs,
    /// The metric to order by.
    #[arg(long, value_parser = PossibleValuesParser::new(TestOrder::KNOWN))]
    pub(crate) order: Option<String>,
    /// Only tests that ran at least this many times.
    #[arg(long)]
    pub(crate) min_executions: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct TestResultsArgs {
    /// The test's signature (see `currents signature`).
    pub(crate) signature: TestSignature,
    #[command(flatten)]
    pub(crate) range: RangeArgs,
    #[command(flatten)]
    pub(crate) filters: MetricsFilterArgs,
    /// Stop after this many results.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct SignatureArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    /// The spec file's path.
    #[arg(long)]
    pub(crate) spec: String,
    /// The test's title path: describe blocks, then the test; repeat in order.
    #[arg(long = "title", required = true)]
    pub(crate) titles: Vec<String>,
}

#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES.as_str())]
pub(crate) enum ActionsCommand {
    /// List a project's actions.
    List(ListActionsArgs),
    /// Show an action.
    Get(ActionArg),
    /// Create an action from a JSON body (CreateActionRequest).
    Create(CreateActionArgs),
    /// Change an action with a JSON body (UpdateActionRequest).
    Update(UpdateActionArgs),
    /// Archive an action (a soft delete).
    Delete(DeleteActionArgs),
    /// Enable a disabled action.
    Enable(ActionArg),
    /// Disable an action.
    Disable(ActionArg),
    /// The tests the project's actions applied to, most recently seen first.
    Tests(AffectedTestsArgs),
    /// The test executions an action applied to, or those of one test (--signature).
    Executions(ExecutionsArgs),
}

#[derive(Debug, Args)]
pub(crate) struct AffectedTestsArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    #[command(flatten)]
    pub(crate) range: RangeArgs,
    /// Only tests affected by actions of this type; repeat for several.
    #[arg(long = "action-type", value_parser = PossibleValuesParser::new(AffectedActionType::KNOWN))]
    pub(crate) action_types: Vec<String>,
    /// Only tests whose spec, title or action name contains this.
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// Stop after this many tests.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct ExecutionsArgs {
    /// The action whose executions to list.
    #[arg(
        long,
        conflicts_with = "signature",
        required_unless_present = "signature"
    )]
    pub(crate) action: Option<ActionId>,
    /// Or the test (its signature) whose executions to list, with --project.
    #[arg(long, requires = "project")]
    pub(crate) signature: Option<TestSignature>,
    /// The project id, with --signature.
    #[arg(long)]
    pub(crate) project: Option<ProjectId>,
    #[command(flatten)]
    pub(crate) range: RangeArgs,
    /// Stop after this many executions.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct ErrorsArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    #[command(flatten)]
    pub(crate) range: RangeArgs,
    /// Group by these dimensions, the first one primary; repeat for several.
    #[arg(long = "group-by", value_parser = PossibleValuesParser::new(ErrorDimension::KNOWN))]
    pub(crate) group_by: Vec<String>,
    /// Order by (count by default).
    #[arg(long, value_parser = PossibleValuesParser::new(ErrorOrder::KNOWN))]
    pub(crate) order: Option<String>,
    /// Only errors whose message contains this.
    #[arg(long)]
    pub(crate) message: Option<String>,
    /// Only runs with this branch (or prefix ending in '*'); repeat for several.
    #[arg(long = "branch")]
    pub(crate) branches: Vec<String>,
    /// Stop after this many error groups.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES.as_str())]
pub(crate) enum WebhooksCommand {
    /// List a project's webhooks.
    List {
        /// The project id.
        #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
        project: ProjectId,
    },
    /// Show a webhook.
    Get(HookArg),
    /// Create a webhook from a JSON body (CreateWebhookRequest).
    Create(CreateActionArgs),
    /// The project's one webhook for the body's URL: created, or updated in place to the
    /// body's events, headers and label (CreateWebhookRequest); safe to repeat.
    Ensure(CreateActionArgs),
    /// Change a webhook with a JSON body (UpdateWebhookRequest).
    Update(UpdateHookArgs),
    /// Delete a webhook, for good.
    Delete(DeleteHookArgs),
}

#[derive(Debug, Args)]
pub(crate) struct HookArg {
    /// The webhook id (a UUID).
    pub(crate) hook_id: HookId,
}

#[derive(Debug, Args)]
pub(crate) struct UpdateHookArgs {
    /// The webhook id (a UUID).
    pub(crate) hook_id: HookId,
    /// The JSON body: a file, or - for stdin.
    #[arg(long, value_name = "PATH")]
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteHookArgs {
    /// The webhook id (a UUID).
    pub(crate) hook_id: HookId,
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(long, short)]
    pub(crate) yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ContextArgs {
    /// The run: alone for the run's failed tests, with --instance for the instance's.
    #[arg(long)]
    pub(crate) run: Option<RunId>,
    /// The instance: with --run, or with --test for one test.
    #[arg(long)]
    pub(crate) instance: Option<InstanceId>,
    /// The test, with --instance.
    #[arg(long, requires = "instance")]
    pub(crate) test: Option<String>,
    /// The attempt of a test (0 is the first; the latest by default).
    #[arg(long, requires = "test")]
    pub(crate) attempt: Option<i64>,
    /// json (the API's data) or md (the Markdown the server renders).
    #[arg(long = "format", value_parser = PossibleValuesParser::new(["json", "md"]), default_value = "json")]
    pub(crate) format: String,
    /// How much detail.
    #[arg(long, value_parser = PossibleValuesParser::new(ContextDetail::KNOWN))]
    pub(crate) detail: Option<String>,
    /// Failed tests per page at the run and instance levels.
    #[arg(long)]
    pub(crate) limit: Option<i64>,
}

#[derive(Debug, Args)]
pub(crate) struct PrsArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    /// Order by (last_run by default).
    #[arg(long, value_parser = PossibleValuesParser::new(PullRequestOrder::KNOWN))]
    pub(crate) order: Option<String>,
    /// Only cards whose PR title or branch contains this, or the PR number (123 or #123).
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// Stop after this many cards.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct TermsArgs {
    /// The kind of term.
    #[arg(value_parser = PossibleValuesParser::new(TermType::KNOWN))]
    pub(crate) term_type: String,
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    /// Only values that contain this.
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// Stop after this many values.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES.as_str())]
pub(crate) enum JiraCommand {
    /// The projects of the Jira site (their ids are the jiraProjectId of an issue).
    Projects {
        /// The Jira site's Installation ID, as the dashboard shows it.
        #[arg(long)]
        installation: JiraInstallationId,
    },
    /// The issue types of a Jira project, with their custom fields.
    #[command(
        override_usage = "currents jira issue-types [OPTIONS]\n         --installation <INSTALLATION> --jira-project <JIRA_PROJECT>"
    )]
    IssueTypes {
        /// The Jira site's Installation ID.
        #[arg(long)]
        installation: JiraInstallationId,
        /// The Jira project id.
        #[arg(long)]
        jira_project: JiraProjectId,
    },
    /// Create a Jira issue from a run's test (CreateJiraIssueFromRunTestRequest).
    Create(CreateActionArgs),
    /// Link a run's test to an existing Jira issue (LinkJiraIssueFromRunTestRequest).
    Link {
        /// The Jira issue key, such as PROJ-123.
        issue_key: JiraIssueKey,
        /// The project id.
        #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
        project: ProjectId,
        /// The JSON body: a file, or - for stdin.
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ApiArgs {
    /// A path below the base URL, such as projects or /projects/P/runs?limit=5; not a URL.
    pub(crate) path: String,
    /// The HTTP method: GET, or POST when fields or --input are given.
    #[arg(short = 'X', long, value_parser = PossibleValuesParser::new(["GET", "POST", "PUT", "PATCH", "DELETE"]), ignore_case = true)]
    pub(crate) method: Option<String>,
    /// A string field, key=value: the query of a GET, else a JSON body field. key[]=value
    /// adds to a list, key[sub]=value sets a field of an object.
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub(crate) raw_fields: Vec<String>,
    /// A typed field: true, false, null and integers are JSON; @file (or @- for stdin) is the
    /// file's text; anything else is a string. Keys as for -f.
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub(crate) typed_fields: Vec<String>,
    /// A request header, 'Name: value' (repeat for several).
    #[arg(short = 'H', long = "header", value_name = "NAME:VALUE")]
    pub(crate) headers: Vec<String>,
    /// Print the answer's status line and headers before its body.
    #[arg(short = 'i', long)]
    pub(crate) include: bool,
    /// A jq filter for the answer (each item with --paginate); strings print as text.
    #[arg(short = 'q', long, value_name = "FILTER")]
    pub(crate) jq: Option<String>,
    /// With --paginate: print every item in one JSON array (--jq then filters the array).
    #[arg(long, requires = "paginate")]
    pub(crate) slurp: bool,
    /// Print no body.
    #[arg(long)]
    pub(crate) silent: bool,
    /// The raw JSON body: a file, or - for stdin. Fields then go in the query.
    #[arg(long, value_name = "PATH")]
    pub(crate) input: Option<PathBuf>,
    /// Follow has_more (cursor) or nextPage (page number) and print one item per line.
    #[arg(long)]
    pub(crate) paginate: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ListActionsArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    /// Only actions in this state; repeat for several.
    #[arg(long = "status", value_parser = PossibleValuesParser::new(ActionStatus::KNOWN))]
    pub(crate) statuses: Vec<String>,
    /// Only actions whose name contains this text.
    #[arg(long)]
    pub(crate) search: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ActionArg {
    /// The action id.
    pub(crate) action_id: ActionId,
}

#[derive(Debug, Args)]
pub(crate) struct CreateActionArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    /// The JSON body: a file, or - for stdin.
    #[arg(long, value_name = "PATH")]
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct UpdateActionArgs {
    /// The action id.
    pub(crate) action_id: ActionId,
    /// The JSON body: a file, or - for stdin.
    #[arg(long, value_name = "PATH")]
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteActionArgs {
    /// The action id.
    pub(crate) action_id: ActionId,
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(long, short)]
    pub(crate) yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RunArg {
    /// The run id.
    pub(crate) run_id: RunId,
}

#[derive(Debug, Args)]
pub(crate) struct FindArgs {
    /// The project id.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: ProjectId,
    /// A branch name, or a prefix ending in '*' (e.g. 'release/*').
    #[arg(long)]
    pub(crate) branch: Option<String>,
    /// Only runs with this tag; repeat, or separate with commas, for several (all must match).
    #[arg(long = "tag", value_delimiter = ',')]
    pub(crate) tags: Vec<String>,
    /// The run with this CI build id.
    #[arg(long)]
    pub(crate) ci_build_id: Option<CiBuildId>,
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
    #[arg(long, env = GITHUB_RUN_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) github_run_id: CancelRunGithubCiRequestGithubRunId,
    /// The workflow run attempt (github.run_attempt).
    #[arg(long, env = GITHUB_RUN_ATTEMPT_ENV, hide_env_values = true, required = false)]
    pub(crate) attempt: u32,
    /// Only cancel a run of this project.
    #[arg(short, long, visible_alias = "project-id", env = PROJECT_ID_ENV, hide_env_values = true, required = false)]
    pub(crate) project: Option<ProjectId>,
    /// Only cancel the run with this CI build id.
    #[arg(long)]
    pub(crate) ci_build_id: Option<CiBuildId>,
}

#[derive(Debug, Args)]
pub(crate) struct ResetArgs {
    /// The run id.
    pub(crate) run_id: RunId,
    /// A machine whose failed specs to reset; repeat for several (any number).
    #[arg(long = "machine", required = true)]
    pub(crate) machines: Vec<MachineId>,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The run id.
    pub(crate) run_id: RunId,
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(long, short)]
    pub(crate) yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// The run id.
    pub(crate) run_id: RunId,
    /// Stop waiting after this long, however long each call takes (e.g. 30m, 1h); exit 5.
    #[arg(long, default_value_t = HumanDuration(WaitOptions::default().timeout))]
    pub(crate) timeout: HumanDuration,
    /// The first interval between polls; it grows up to four times this.
    #[arg(long, default_value_t = HumanDuration(WaitOptions::default().poll))]
    pub(crate) poll: HumanDuration,
    /// When stderr is not a terminal (a CI log), print the run's progress there this often, so
    /// that a long wait does not look hung; on a terminal a live line shows it.
    #[arg(long, default_value_t = HumanDuration(Duration::from_secs(60)))]
    pub(crate) heartbeat: HumanDuration,
}

/// A point in time: RFC 3339 (`2026-11-01T08:00:00Z`), a date (`2026-11-01`, midnight UTC), or
/// a duration before now (`7d`, `12h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeArg(pub(crate) DateTime<Utc>);

impl FromStr for TimeArg {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if let Ok(at) = DateTime::parse_from_rfc3339(value) {
            return Ok(TimeArg(at.to_utc()));
        }
        if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            return Ok(TimeArg(date.and_time(NaiveTime::MIN).and_utc()));
        }
        let ago = humantime::parse_duration(value).map_err(|_| {
            format!(
                "'{value}' is not a time: use RFC 3339, a date (2026-11-01) or a duration ago (7d)"
            )
        })?;
        let ago = chrono::Duration::from_std(ago).map_err(|error| error.to_string())?;
        Ok(TimeArg(Utc::now() - ago))
    }
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
