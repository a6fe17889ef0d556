//! `currents webhooks ...`: list, show, create, update and delete a project's webhooks.

use currents::{
    Client, HookId, ProjectId,
    api::types::{CreateWebhookRequest, UpdateWebhookRequest, Webhook},
};

use crate::{
    cli::WebhooksCommand,
    exit::Stop,
    files::read_body,
    listing::{self, Columns},
    output::{Output, fields},
    prompt::confirm,
};

pub(super) async fn run(
    client: &Client,
    command: WebhooksCommand,
    output: Output,
) -> Result<(), Stop> {
    let webhooks = client.webhooks();
    match command {
        WebhooksCommand::List { project } => {
            let columns = Columns {
                // A hook id is a 36-character UUID.
                header: &[("WEBHOOK", 36), ("EVENTS", 24), ("URL", 0)],
                row: |hook: &Webhook| vec![hook.hook_id.clone(), events(hook), hook.url.clone()],
            };
            listing::print(webhooks.list(&project).stream(), output.format, &columns).await?;
        }
        WebhooksCommand::Get(args) => {
            let hook = webhooks.get(&args.hook_id).await?;
            output.data(&hook, describe)?;
        }
        WebhooksCommand::Create(args) => {
            let project: ProjectId = args.project;
            let body: CreateWebhookRequest = read_body(&args.file)?;
            output.data(&webhooks.create(&project, body).await?, describe)?;
        }
        WebhooksCommand::Ensure(args) => {
            let body: CreateWebhookRequest = read_body(&args.file)?;
            output.data(&webhooks.ensure(&args.project, body).await?, describe)?;
        }
        WebhooksCommand::Update(args) => {
            let id: HookId = args.hook_id;
            let body: UpdateWebhookRequest = read_body(&args.file)?;
            output.data(&webhooks.update(&id, body).await?, describe)?;
        }
        WebhooksCommand::Delete(args) => {
            let id: HookId = args.hook_id;
            if !args.yes {
                confirm(
                    &format!("Delete webhook {id}, for good?"),
                    &format!("webhook {id} was not deleted"),
                )?;
            }
            webhooks.delete(&id).await?;
            output.done(
                &serde_json::json!({ "hookId": id.as_str(), "deleted": true }),
                &format!("Deleted webhook {id}"),
            )?;
        }
    }
    Ok(())
}

fn events(hook: &Webhook) -> String {
    hook.hook_events
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn describe(hook: &Webhook) -> String {
    fields(&[
        ("Webhook", hook.hook_id.clone()),
        ("Project", hook.project_id.clone()),
        ("URL", hook.url.clone()),
        ("Events", events(hook)),
        ("Label", hook.label.clone().unwrap_or_default()),
        // Headers may hold a secret (an Authorization header): only their names are shown.
        (
            "Headers",
            hook.headers
                .as_deref()
                .and_then(|text| {
                    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).ok()
                })
                .map(|map| map.keys().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
        ),
    ])
}
