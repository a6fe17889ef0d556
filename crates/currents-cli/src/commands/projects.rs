//! `currents projects ...`: list and show projects.

use currents::{Client, api::types::ProjectWithCursor};

use crate::{
    cli::ProjectsCommand,
    exit::Stop,
    listing::{self, Columns},
    output::{Output, ago, fields},
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
                        ago(project.created_at),
                    ]
                },
            };
            listing::print(query.stream(), output.format, &columns).await?;
        }
        ProjectsCommand::Get { project_id } => {
            let project = client.projects().get(&project_id).await?;
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
