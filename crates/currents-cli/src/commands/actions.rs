//! `currents actions ...`: list, show, create, update, delete, enable and disable.

use currents::prelude::*;
use currents::{
    ActionId, Client, ProjectId,
    api::types::{Action, ActionStatus, CreateActionRequest, RuleAction, UpdateActionRequest},
};

use crate::{
    cli::ActionsCommand,
    exit::Stop,
    files::read_body,
    listing::{self, Columns},
    output::{Output, fields},
    prompt::confirm,
};

pub(super) async fn run(
    client: &Client,
    command: ActionsCommand,
    output: Output,
) -> Result<(), Stop> {
    let actions = client.actions();
    match command {
        ActionsCommand::List(args) => {
            let project: ProjectId = args.project;
            let statuses = args
                .statuses
                .iter()
                .map(|status| ActionStatus::from(status.as_str()));
            let mut query = actions.list(&project).status(statuses);
            if let Some(search) = args.search {
                query = query.search(search);
            }
            let columns = Columns {
                // An action id is 24 characters; a status at most 8.
                header: &[("ACTION", 24), ("STATUS", 8), ("RULES", 24), ("NAME", 0)],
                row: |action: &Action| {
                    vec![
                        action.action_id.clone(),
                        action.status.to_string(),
                        rules(&action.action),
                        action.name.clone(),
                    ]
                },
            };
            listing::print(query.stream(), output.format, &columns).await?;
        }
        ActionsCommand::Get(args) => {
            let action = actions.get(&args.action_id).await?;
            output.data(&action, describe)?;
        }
        ActionsCommand::Create(args) => {
            let project: ProjectId = args.project;
            let body: CreateActionRequest = read_body(&args.file)?;
            let action = actions.create(&project, body).await?;
            output.data(&action, describe)?;
        }
        ActionsCommand::Update(args) => {
            let id: ActionId = args.action_id;
            let body: UpdateActionRequest = read_body(&args.file)?;
            let action = actions.update(&id, body).await?;
            output.data(&action, describe)?;
        }
        ActionsCommand::Delete(args) => {
            let id: ActionId = args.action_id;
            if !args.yes {
                confirm(
                    &format!("Archive action {id}?"),
                    &format!("action {id} was not archived"),
                )?;
            }
            actions.delete(&id).await?;
            output.done(
                &serde_json::json!({ "actionId": id.as_str(), "archived": true }),
                &format!("Archived action {id}"),
            )?;
        }
        ActionsCommand::Enable(args) => {
            let action = actions.enable(&args.action_id).await?;
            output.data(&action, describe)?;
        }
        ActionsCommand::Disable(args) => {
            let action = actions.disable(&args.action_id).await?;
            output.data(&action, describe)?;
        }
        ActionsCommand::Tests(args) => {
            super::analysis::affected_tests(client, args, output).await?
        }
        ActionsCommand::Executions(args) => {
            super::analysis::executions(client, args, output).await?
        }
    }
    Ok(())
}

fn rules(rules: &[RuleAction]) -> String {
    rules
        .iter()
        .map(|rule| match rule {
            RuleAction::Skip(_) => "skip".to_owned(),
            RuleAction::Quarantine(_) => "quarantine".to_owned(),
            RuleAction::Tag(tag) => format!("tag {}", tag.details.tags.join(",")),
            RuleAction::Other { op } => op.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe(action: &Action) -> String {
    fields(&[
        ("Action", action.action_id.clone()),
        ("Name", action.name.clone()),
        ("Status", action.status.to_string()),
        ("Rules", rules(&action.action)),
        (
            "Matches",
            format!(
                "{} of {} condition(s)",
                action.matcher.op,
                action.matcher.cond.len()
            ),
        ),
        (
            "Created",
            format!(
                "{} by {}",
                action.created_at.to_rfc3339(),
                action.created_by
            ),
        ),
        (
            "Expires",
            action
                .expires_after
                .map_or_else(|| "never".into(), |at| at.to_rfc3339()),
        ),
    ])
}
