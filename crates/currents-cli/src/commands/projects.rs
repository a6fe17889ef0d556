//! `currents projects ...` and `currents runs list`.

use currents::prelude::*;
use currents::{
    Client, ProjectId, RunStatus,
    api::types::{ProjectWithCursor, RunFeedItem},
};

use super::Stop;
use crate::{
    cli::{ListRunsArgs, ProjectsCommand},
    listing::{self, Columns},
    output::{Output, fields},
};

pub(super) async fn run(
    client: &Client,
    command: ProjectsCommand,
    output: Output,
) -> Result<(), Stop> {
    match command {
        ProjectsCommand::List(args) => {
            let mut query = client.projects().list();
            if let Some(limit) = args.limit {
                query = query.limit(limit);
            }
            let columns = Columns {
                header: &[("PROJECT", 26), ("NAME", 30), ("CREATED", 0)],
                row: |project: &ProjectWithCursor| {
                    vec![
                        project.project_id.clone(),
                        project.name.clone(),
                        project.created_at.to_rfc3339(),
                    ]
                },
            };
            listing::print(query.stream(), output.format, &columns).await?;
        }
        ProjectsCommand::Get { project_id } => {
            let project = client.projects().get(&project_id.parse()?).await?;
            output.data(&project, |project| {
                fields(&[
                    ("Project", project.project_id.clone()),
                    ("Name", project.name.clone()),
                    ("Created", project.created_at.to_rfc3339()),
                    (
                        "Branch",
                        project
                            .default_branch_name
                            .clone()
                            .unwrap_or_else(|| "-".into()),
                    ),
                ])
            })?;
        }
    }
    Ok(())
}

/// `currents runs list`: streams a project's runs.
pub(super) async fn list_runs(
    client: &Client,
    args: ListRunsArgs,
    output: Output,
) -> Result<(), Stop> {
    let project: ProjectId = args.project.parse()?;
    let mut query = client
        .projects()
        .runs(&project)
        .branches(args.branches)
        .tags(args.tags)
        .authors(args.authors)
        // The filter's values are production's spellings of the run's own statuses.
        .status(
            args.statuses
                .iter()
                .map(|status| RunStatus::from(status.to_uppercase().as_str())),
        );
    if args.any_tag {
        query = query.any_tag();
    }
    if let Some(search) = args.search {
        query = query.search(search);
    }
    if let Some(since) = args.since {
        query = query.since(since.0);
    }
    if let Some(until) = args.until {
        query = query.until(until.0);
    }
    if let Some(limit) = args.limit {
        query = query.limit(limit);
    }
    let columns = Columns {
        header: &[
            ("RUN", 26),
            ("STATUS", 10),
            ("BRANCH", 22),
            ("CREATED", 26),
            ("TAGS", 0),
        ],
        row: |run: &RunFeedItem| {
            let branch = run
                .meta
                .as_ref()
                .and_then(|meta| meta.commit.as_ref())
                .and_then(|commit| commit.branch.clone());
            vec![
                run.run_id.clone().unwrap_or_default(),
                run.status
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                branch.unwrap_or_else(|| "-".into()),
                run.created_at.map(|at| at.to_rfc3339()).unwrap_or_default(),
                run.tags.join(", "),
            ]
        },
    };
    listing::print(query.stream(), output.format, &columns).await?;
    Ok(())
}
