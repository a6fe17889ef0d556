//! `currents jira ...`: the Jira site's projects and issue types, and issues from run tests.

use currents::{
    Client, ProjectId,
    api::types::{
        CreateJiraIssueFromRunTestRequest, JiraIssueType, JiraProject,
        LinkJiraIssueFromRunTestRequest,
    },
};

use crate::{
    cli::JiraCommand,
    exit::Stop,
    files::read_body,
    listing::{self, Columns},
    output::{Output, fields},
};

pub(super) async fn run(client: &Client, command: JiraCommand, output: Output) -> Result<(), Stop> {
    let jira = client.jira();
    match command {
        JiraCommand::Projects { installation } => {
            let columns = Columns {
                header: &[("ID", 12), ("KEY", 10), ("NAME", 0)],
                row: |project: &JiraProject| {
                    vec![
                        project.id.clone(),
                        project.key.clone().unwrap_or_default(),
                        project.name.clone().unwrap_or_default(),
                    ]
                },
            };
            listing::print(
                jira.projects(&installation).stream(),
                output.format,
                &columns,
            )
            .await?;
        }
        JiraCommand::IssueTypes {
            installation,
            jira_project,
        } => {
            let columns = Columns {
                header: &[("ID", 12), ("FIELDS", 8), ("NAME", 0)],
                row: |issue_type: &JiraIssueType| {
                    vec![
                        issue_type.id.clone(),
                        issue_type.fields.len().to_string(),
                        issue_type.name.clone().unwrap_or_default(),
                    ]
                },
            };
            let query = jira.issue_types(&installation, &jira_project);
            listing::print(query.stream(), output.format, &columns).await?;
        }
        JiraCommand::Create(args) => {
            let project: ProjectId = args.project;
            let body: CreateJiraIssueFromRunTestRequest = read_body(&args.file)?;
            let issue = jira.create_issue(&project, body).await?;
            output.data(&issue, |issue| {
                fields(&[
                    ("Issue", issue.issue_key.clone().unwrap_or_default()),
                    ("URL", issue.url.clone().unwrap_or_default()),
                ])
            })?;
        }
        JiraCommand::Link {
            issue_key,
            project,
            file,
        } => {
            let body: LinkJiraIssueFromRunTestRequest = read_body(&file)?;
            let link = jira.link_issue(&project, &issue_key, body).await?;
            output.data(&link, |link| {
                fields(&[
                    (
                        "Issue",
                        link.issue_key
                            .clone()
                            .unwrap_or_else(|| issue_key.to_string()),
                    ),
                    ("URL", link.url.clone().unwrap_or_default()),
                ])
            })?;
        }
    }
    Ok(())
}
