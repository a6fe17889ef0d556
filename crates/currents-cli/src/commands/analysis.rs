//! `currents errors`, `context`, `prs`, `terms`, `actions tests` and `actions executions`:
//! what a project's failures, pull requests, terms and actions add up to.

use currents::prelude::*;
use currents::{
    Client, ProjectId,
    api::types::{
        AffectedActionType, AffectedTest, AffectedTestExecution, ContextDetail, ErrorDimension,
        ErrorOrder, ErrorsExplorerItem, PullRequestCard, PullRequestOrder, Term, TermType,
    },
};

use crate::{
    cli::{
        AffectedTestsArgs, ContextArgs, ErrorsArgs, ExecutionsArgs, Format, PrsArgs, RangeArgs,
        TermsArgs,
    },
    exit::Failure,
    exit::Stop,
    listing::{self, Columns},
    output::{Output, ago},
    terminal,
};

fn span(args: &RangeArgs) -> std::ops::Range<chrono::DateTime<chrono::Utc>> {
    args.since.0..args.until.map_or_else(chrono::Utc::now, |until| until.0)
}

fn bounded<T>(query: currents::Query<'_, T>, limit: Option<usize>) -> currents::Query<'_, T>
where
    T: currents::api::operations::Paginated,
{
    match limit {
        Some(limit) => query.limit(limit),
        None => query,
    }
}

pub(super) async fn errors(client: &Client, args: ErrorsArgs, output: Output) -> Result<(), Stop> {
    let project: ProjectId = args.project;
    let mut query = client
        .projects()
        .errors(&project, span(&args.range))
        .group_by(
            args.group_by
                .iter()
                .map(|d| ErrorDimension::from(d.as_str())),
        )
        .branches(args.branches);
    if let Some(order) = &args.order {
        query = query.order_by(ErrorOrder::from(order.as_str()));
    }
    if let Some(message) = args.message {
        query = query.error_message(message);
    }
    let columns = Columns {
        header: &[
            ("COUNT", 7),
            ("TESTS", 6),
            ("BRANCHES", 8),
            ("CATEGORY", 16),
            ("MESSAGE", 0),
        ],
        row: |item: &ErrorsExplorerItem| {
            let details = item.details.as_ref();
            let count = |c: Option<i64>| c.map(|c| c.to_string()).unwrap_or_default();
            vec![
                item.count.to_string(),
                count(details.and_then(|d| d.tests.as_ref()).and_then(|t| t.count)),
                count(
                    details
                        .and_then(|d| d.branches.as_ref())
                        .and_then(|b| b.count),
                ),
                item.error_category.clone().unwrap_or_default(),
                item.message.clone().unwrap_or_default(),
            ]
        },
    };
    listing::print(bounded(query, args.limit).stream(), output.format, &columns).await?;
    Ok(())
}

pub(super) async fn context(
    client: &Client,
    args: ContextArgs,
    output: Output,
) -> Result<(), Stop> {
    let context = client.context();
    let mut query = match (&args.run, &args.instance, &args.test) {
        (_, Some(instance), Some(test)) => context.test(instance, test),
        (Some(run), Some(instance), None) => context.instance(run, instance),
        (Some(run), None, None) => context.run(run),
        _ => {
            return Err(Failure::invalid(
                "give --run (a run), --run and --instance (an instance), or --instance and --test (a test)",
            )
            .into());
        }
    };
    if let Some(attempt) = args.attempt {
        query = query.attempt(attempt);
    }
    if let Some(detail) = &args.detail {
        query = query.detail(ContextDetail::from(detail.as_str()));
    }
    if let Some(limit) = args.limit {
        query = query.limit(limit);
    }
    if args.format == "md" {
        let markdown = query.markdown().await?;
        // Server text on a terminal cannot act on it; a pipe gets the Markdown as sent.
        let text = match output.format {
            Format::Table => terminal::safe(&markdown).into_owned(),
            Format::Json => markdown,
        };
        print!("{text}");
        if !text.ends_with('\n') {
            println!();
        }
        return Ok(());
    }
    let found = query.json().await?;
    output.data(&found, |_| {
        serde_json::to_string_pretty(found.raw()).unwrap_or_default()
    })?;
    Ok(())
}

pub(super) async fn prs(client: &Client, args: PrsArgs, output: Output) -> Result<(), Stop> {
    let project: ProjectId = args.project;
    let mut query = client.projects().pull_requests(&project);
    if let Some(order) = &args.order {
        query = query.order(PullRequestOrder::from(order.as_str()));
    }
    if let Some(search) = args.search {
        query = query.pr_search(search);
    }
    let columns = Columns {
        header: &[
            ("PR", 8),
            ("RUNS", 5),
            ("LATEST", 10),
            ("SOURCE", 24),
            ("TITLE", 0),
        ],
        row: |card: &PullRequestCard| {
            let latest = card.recent_runs.first().and_then(|run| run.status.clone());
            vec![
                card.pr.id.clone(),
                card.run_count.map(|n| n.to_string()).unwrap_or_default(),
                latest.unwrap_or_default(),
                card.pr.source.clone().unwrap_or_default(),
                card.pr.title.clone().unwrap_or_default(),
            ]
        },
    };
    listing::print(bounded(query, args.limit).stream(), output.format, &columns).await?;
    Ok(())
}

pub(super) async fn terms(client: &Client, args: TermsArgs, output: Output) -> Result<(), Stop> {
    let project: ProjectId = args.project;
    let mut query = client
        .projects()
        .terms(&project, TermType::from(args.term_type.as_str()));
    if let Some(search) = args.search {
        query = query.search(search);
    }
    let columns = Columns {
        header: &[("LAST SEEN", 10), ("VALUE", 0)],
        row: |term: &Term| {
            vec![
                term.updated_at.map(ago).unwrap_or_default(),
                term.value.clone(),
            ]
        },
    };
    listing::print(bounded(query, args.limit).stream(), output.format, &columns).await?;
    Ok(())
}

pub(super) async fn affected_tests(
    client: &Client,
    args: AffectedTestsArgs,
    output: Output,
) -> Result<(), Stop> {
    let project: ProjectId = args.project;
    let mut query = client
        .actions()
        .affected_tests(&project, span(&args.range))
        .action_type(
            args.action_types
                .iter()
                .map(|t| AffectedActionType::from(t.as_str())),
        );
    if let Some(search) = args.search {
        query = query.search(search);
    }
    let columns = Columns {
        header: &[("SIGNATURE", 16), ("RUNS", 5), ("ACTIONS", 24), ("TEST", 0)],
        row: |test: &AffectedTest| {
            vec![
                test.signature.clone(),
                test.executions.map(|n| n.to_string()).unwrap_or_default(),
                test.actions
                    .iter()
                    .filter_map(|action| action.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                test.title.join(" > "),
            ]
        },
    };
    listing::print(bounded(query, args.limit).stream(), output.format, &columns).await?;
    Ok(())
}

pub(super) async fn executions(
    client: &Client,
    args: ExecutionsArgs,
    output: Output,
) -> Result<(), Stop> {
    let columns = Columns {
        header: &[("RUN", 24), ("BRANCH", 20), ("ACTION", 20), ("TEST", 0)],
        row: |execution: &AffectedTestExecution| {
            vec![
                execution.run_id.clone().unwrap_or_default(),
                execution.branch.clone().unwrap_or_default(),
                execution
                    .action
                    .as_ref()
                    .and_then(|action| action.name.clone())
                    .unwrap_or_default(),
                execution.title.join(" > "),
            ]
        },
    };
    let actions = client.actions();
    let range = span(&args.range);
    let items = match (&args.action, &args.signature, &args.project) {
        (Some(action), _, _) => bounded(actions.executions(action, range), args.limit).stream(),
        (None, Some(signature), Some(project)) => bounded(
            actions.affected_test_executions(project, signature, range),
            args.limit,
        )
        .stream(),
        _ => {
            return Err(
                Failure::invalid("give --action ID, or --signature SIG with --project").into(),
            );
        }
    };
    listing::print(items, output.format, &columns).await?;
    Ok(())
}
