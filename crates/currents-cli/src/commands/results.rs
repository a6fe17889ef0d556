//! `currents instances get`, `spec-files`, `tests`, `test-results` and `signature`.

use chrono::Utc;
use currents::prelude::*;
use currents::{
    Client, ProjectId, Query, TestSignature,
    api::{
        TestOutcome,
        operations::{GetSpecFiles, GetTestResults, GetTestsExplorer},
        types::{SortDirection, SpecFile, SpecFileOrder, TestExplorerItem, TestOrder, TestResult},
    },
};

use crate::{
    cli::{
        MetricsArgs, MetricsFilterArgs, RangeArgs, SignatureArgs, SpecFilesArgs, TestResultsArgs,
        TestsArgs,
    },
    exit::Stop,
    listing::{self, Columns},
    output::{Output, ago, fields, table},
    terminal,
};

fn span(args: &RangeArgs) -> std::ops::Range<chrono::DateTime<Utc>> {
    args.since.0..args.until.map_or_else(Utc::now, |until| until.0)
}

fn direction(ascending: bool) -> SortDirection {
    if ascending {
        SortDirection::Asc
    } else {
        SortDirection::Desc
    }
}

/// The same filters on every metrics query.
macro_rules! filtered {
    ($query:expr, $filters:expr) => {{
        let MetricsFilterArgs {
            tags,
            branches,
            groups,
            authors,
        } = $filters;
        $query
            .tags(tags)
            .branches(branches)
            .groups(groups)
            .authors(authors)
    }};
}

fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |rate| format!("{:.1}%", rate * 100.0))
}

fn count(value: Option<i64>) -> String {
    value.map_or_else(|| "-".into(), |n| n.to_string())
}

pub(super) async fn instance(
    client: &Client,
    instance_id: &currents::InstanceId,
    output: Output,
) -> Result<(), Stop> {
    let instance = client.instances().get(instance_id).await?;
    output.data(&instance, |instance| {
        let results = instance.results.clone().unwrap_or_default();
        let stats = results.stats.clone().unwrap_or_default();
        let mut text = fields(&[
            ("Instance", instance.instance_id.clone().unwrap_or_default()),
            ("Run", instance.run_id.clone().unwrap_or_default()),
            ("Spec", instance.spec.clone().unwrap_or_default()),
            (
                "Machine",
                instance.machine_id.clone().unwrap_or_else(|| "-".into()),
            ),
            (
                "Tests",
                format!(
                    "{} total: {} passed, {} failed, {} pending, {} skipped",
                    count(stats.tests),
                    count(stats.passes),
                    count(stats.failures),
                    count(stats.pending),
                    count(stats.skipped)
                ),
            ),
        ]);
        let rows = instance.tests().map(test_row).collect::<Vec<_>>();
        if !rows.is_empty() {
            text.push('\n');
            text.push_str(&table(&["STATE", "ATTEMPTS", "TEST", "ERROR"], rows));
        }
        text
    })?;
    Ok(())
}

/// A test's row: its state (flaky marked), attempts, title and the first line of its error,
/// from either form of the answer.
fn test_row(test: TestOutcome<'_>) -> Vec<String> {
    let state = test.state().map_or("-", |state| state.as_str());
    let state = if test.is_flaky() {
        format!("{state} (flaky)")
    } else {
        state.to_owned()
    };
    let error = test.error().map_or_else(String::new, |error| {
        // The first visible line: the runner's colour escapes must not count as text.
        let message = terminal::safe(error.message);
        message
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end()
            .to_owned()
    });
    vec![
        state,
        test.attempts().len().to_string(),
        test.title().join(" > "),
        error,
    ]
}

pub(super) async fn spec_files(
    client: &Client,
    args: SpecFilesArgs,
    output: Output,
) -> Result<(), Stop> {
    let MetricsArgs {
        project,
        range,
        filters,
        ascending,
        limit,
    } = args.metrics;
    let project: ProjectId = project;
    let mut query: Query<'_, GetSpecFiles> = filtered!(
        client.projects().spec_files(&project, span(&range)),
        filters
    );
    if let Some(order) = args.order {
        query = query.order(SpecFileOrder::from(order.as_str()), direction(ascending));
    }
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    let columns = Columns {
        header: &[
            ("SPEC", 48),
            ("RUNS", 6),
            ("FAILED", 8),
            ("FLAKY", 8),
            ("AVG DURATION", 0),
        ],
        row: |file: &SpecFile| {
            let metrics = file.metrics.clone().unwrap_or_default();
            vec![
                file.spec.clone().unwrap_or_default(),
                count(metrics.overall_executions),
                rate(metrics.failure_rate),
                rate(metrics.flake_rate),
                metrics
                    .avg_duration
                    .map_or_else(|| "-".into(), |ms| format!("{:.1}s", ms / 1000.0)),
            ]
        },
    };
    listing::print(query.stream(), output.format, &columns).await?;
    Ok(())
}

pub(super) async fn tests(client: &Client, args: TestsArgs, output: Output) -> Result<(), Stop> {
    let MetricsArgs {
        project,
        range,
        filters,
        ascending,
        limit,
    } = args.metrics;
    let project: ProjectId = project;
    let mut query: Query<'_, GetTestsExplorer> =
        filtered!(client.projects().tests(&project, span(&range)), filters);
    if let Some(order) = args.order {
        query = query.order(TestOrder::from(order.as_str()), direction(ascending));
    }
    if let Some(min) = args.min_executions {
        query = query.min_executions(i64::from(min));
    }
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    let columns = Columns {
        header: &[
            ("SIGNATURE", 18),
            ("RUNS", 6),
            ("FAILED", 8),
            ("FLAKY", 8),
            ("TEST", 0),
        ],
        row: |test: &TestExplorerItem| {
            let metrics = test.metrics.clone().unwrap_or_default();
            vec![
                test.signature.clone().unwrap_or_default(),
                count(metrics.executions),
                rate(metrics.failure_rate),
                rate(metrics.flakiness_rate),
                test.title.clone().unwrap_or_default(),
            ]
        },
    };
    listing::print(query.stream(), output.format, &columns).await?;
    Ok(())
}

pub(super) async fn test_results(
    client: &Client,
    args: TestResultsArgs,
    output: Output,
) -> Result<(), Stop> {
    let signature: TestSignature = args.signature;
    let mut query: Query<'_, GetTestResults> = filtered!(
        client.tests().results(&signature, span(&args.range)),
        args.filters
    );
    if let Some(limit) = args.limit {
        query = query.limit(limit);
    }
    let columns = Columns {
        header: &[
            ("RUN", 26),
            ("STATUS", 8),
            ("FLAKY", 6),
            ("CREATED", 10),
            ("BRANCH", 0),
        ],
        row: |result: &TestResult| {
            vec![
                result.run_id.clone().unwrap_or_default(),
                result
                    .status
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                result.flaky.map_or_else(
                    || "-".into(),
                    |flaky| if flaky { "yes" } else { "no" }.into(),
                ),
                result.created_at.map(ago).unwrap_or_default(),
                result
                    .commit
                    .as_ref()
                    .and_then(|c| c.branch.clone())
                    .unwrap_or_else(|| "-".into()),
            ]
        },
    };
    listing::print(query.stream(), output.format, &columns).await?;
    Ok(())
}

pub(super) async fn signature(
    client: &Client,
    args: SignatureArgs,
    output: Output,
) -> Result<(), Stop> {
    let project: ProjectId = args.project;
    let signature = client
        .tests()
        .signature(&project, args.spec, args.titles)
        .await?;
    match output.format {
        crate::cli::Format::Json => {
            println!("{}", serde_json::json!({ "signature": signature.as_str() }))
        }
        crate::cli::Format::Table => println!("{signature}"),
    }
    Ok(())
}
