//! The Webhooks operations: list, create, get, update and delete a project's hooks.

use chrono::Utc;
use currents_api::{
    operations::{
        CreateWebhook, DeleteWebhook, GetWebhook, ListWebhooks, Operation, UpdateWebhook,
    },
    types::{
        ResponseStatus, Webhook, WebhookDeleteResponse, WebhookDeleteResponseData,
        WebhookListResponse, WebhookResponse,
    },
};

use super::success;
use crate::{routes::Answer, server::App};

fn one(operation: Operation, hook: Webhook) -> Answer {
    success(operation, WebhookResponse::new(hook, ResponseStatus::Ok))
}

pub(crate) fn list(app: &App, request: ListWebhooks) -> Answer {
    let store = app.store();
    store.project_exists(&request.project_id)?;
    let hooks = store.webhooks.list(&request.project_id);
    success(
        Operation::ListWebhooks,
        WebhookListResponse::new(hooks, ResponseStatus::Ok),
    )
}

pub(crate) fn create(app: &App, request: CreateWebhook) -> Answer {
    let mut store = app.store();
    store.project_exists(&request.project_id)?;
    let hook = store
        .webhooks
        .create(&request.project_id, request.body, Utc::now())?;
    one(Operation::CreateWebhook, hook)
}

pub(crate) fn get(app: &App, request: GetWebhook) -> Answer {
    one(
        Operation::GetWebhook,
        app.store().webhooks.get(&request.hook_id)?,
    )
}

pub(crate) fn update(app: &App, request: UpdateWebhook) -> Answer {
    let hook = app
        .store()
        .webhooks
        .update(&request.hook_id, request.body, Utc::now())?;
    one(Operation::UpdateWebhook, hook)
}

pub(crate) fn delete(app: &App, request: DeleteWebhook) -> Answer {
    let hook = app.store().webhooks.delete(&request.hook_id)?;
    success(
        Operation::DeleteWebhook,
        WebhookDeleteResponse::new(
            WebhookDeleteResponseData::new(hook.hook_id, hook.project_id),
            ResponseStatus::Ok,
        ),
    )
}
