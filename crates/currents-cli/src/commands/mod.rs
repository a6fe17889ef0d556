//! The commands: build the client, run one command, and say how it ended.

mod actions;
mod analysis;
mod api;
mod auth;
mod jira;
mod projects;
mod results;
mod runs;
mod webhooks;

use currents::{API_URL_ENV, Client, PRODUCTION_URL};

use crate::{
    cli::{AuthCommand, Cli, Command, InstancesCommand, REST_API_URL_ENV},
    exit::{Exit, Failure, Stop},
    output::Output,
};

/// Runs the command the line names (completions are printed before any of this).
pub(crate) async fn run(mut cli: Cli, output: Output) -> Result<Exit, Stop> {
    let (base_url, base_url_from) = base_url(cli.base_url.take());
    match command(cli, &base_url, base_url_from, output).await {
        // The API answers an unknown id with 404, and so does a host for a path it lacks: a
        // base URL without `/v1` is named, rather than left to look like a missing run.
        Err(Stop::Failed(failure)) if failure.exit == Exit::NotFound && !ends_in_v1(&base_url) => {
            Err(Failure {
                exit: Exit::NotTheApi,
                message: format!(
                    "{}; the base URL {base_url} does not end in /v1, where Currents' REST API \
                     is (--base-url and {API_URL_ENV} take it with /v1, {REST_API_URL_ENV} \
                     without)",
                    failure.message
                ),
            }
            .into())
        }
        other => other,
    }
}

/// `--base-url`; else `CURRENTS_REST_API_URL` with `/v1` added, as `@currents/cmd` reads it (in
/// a job that runs both, `CURRENTS_API_URL` may be its recording API); else
/// `CURRENTS_API_URL`; else production's. With it, where it came from.
fn base_url(flag: Option<String>) -> (String, &'static str) {
    let set = |name| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.trim().is_empty())
    };
    if let Some(url) = flag {
        return (url, "--base-url");
    }
    if let Some(rest) = set(REST_API_URL_ENV) {
        let rest = rest.trim_end_matches('/');
        return if ends_in_v1(rest) {
            (rest.to_owned(), REST_API_URL_ENV)
        } else {
            (
                format!("{rest}/v1"),
                "CURRENTS_REST_API_URL, with /v1 added",
            )
        };
    }
    match set(API_URL_ENV) {
        Some(url) => (url, API_URL_ENV),
        None => (PRODUCTION_URL.to_owned(), "the default"),
    }
}

fn ends_in_v1(url: &str) -> bool {
    url.trim_end_matches('/').ends_with("/v1")
}

async fn command(
    cli: Cli,
    base_url: &str,
    base_url_from: &str,
    output: Output,
) -> Result<Exit, Stop> {
    let client = || {
        client(
            cli.api_key.clone(),
            base_url,
            cli.request_timeout.0,
            usize::from(cli.concurrency),
        )
    };
    match cli.command {
        Command::Runs(command) => return runs::run(&client()?, command, output).await,
        Command::Projects(command) => projects::run(&client()?, command, output).await?,
        Command::Instances(InstancesCommand::Get { instance_id }) => {
            results::instance(&client()?, &instance_id, output).await?;
        }
        Command::SpecFiles(args) => results::spec_files(&client()?, args, output).await?,
        Command::Tests(args) => results::tests(&client()?, args, output).await?,
        Command::TestResults(args) => results::test_results(&client()?, args, output).await?,
        Command::Signature(args) => results::signature(&client()?, args, output).await?,
        Command::Actions(command) => actions::run(&client()?, command, output).await?,
        Command::Errors(args) => analysis::errors(&client()?, args, output).await?,
        Command::Webhooks(command) => webhooks::run(&client()?, command, output).await?,
        Command::Context(args) => analysis::context(&client()?, args, output).await?,
        Command::Prs(args) => analysis::prs(&client()?, args, output).await?,
        Command::Terms(args) => analysis::terms(&client()?, args, output).await?,
        Command::Jira(command) => jira::run(&client()?, command, output).await?,
        Command::Api(args) => api::run(&client()?, args, output).await?,
        Command::Auth(AuthCommand::Status) => {
            let key_from = cli.api_key.as_ref().and(cli.api_key_from);
            auth::status(client(), key_from, base_url, base_url_from, output).await?;
        }
        Command::Completions { .. } => {}
    }
    Ok(Exit::Success)
}

fn client(
    api_key: Option<String>,
    base_url: &str,
    request_timeout: std::time::Duration,
    concurrency: usize,
) -> Result<Client, Stop> {
    if api_key.as_deref().is_some_and(|key| key.trim().is_empty()) {
        return Err(Failure::invalid(format!(
            "the API key is empty: set {} to a key, or pass --api-key",
            currents::API_KEY_ENV
        ))
        .into());
    }
    let Some(api_key) = api_key else {
        return Err(Failure::invalid(format!(
            "no API key: set {} or pass --api-key",
            currents::API_KEY_ENV
        ))
        .into());
    };
    Ok(Client::builder()
        .api_key(api_key)
        .base_url(base_url)
        .timeout(request_timeout)
        .page_concurrency(concurrency)
        .build()?)
}
