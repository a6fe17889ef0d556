//! The Actions operations: list, create, get, update, delete (archive), enable and disable.

use chrono::Utc;
use currents_api::{
    operations::{
        CreateAction, DeleteAction, DisableAction, EnableAction, GetAction, ListActions, Operation,
        UpdateAction,
    },
    types::{
        Action, ActionDeleteResponse, ActionDeleteResponseData, ActionResponse,
        ActionsListResponse, ResponseStatus,
    },
};

use super::success;
use crate::{routes::Answer, server::App};

fn one(operation: Operation, action: Action) -> Answer {
    success(operation, ActionResponse::new(action, ResponseStatus::Ok))
}

pub(crate) fn list(app: &App, request: ListActions) -> Answer {
    let store = app.store();
    store.project_exists(&request.project_id)?;
    let actions = store.actions.list(
        &request.project_id,
        &request.status,
        request.search.as_deref(),
        Utc::now(),
    );
    success(
        Operation::ListActions,
        ActionsListResponse::new(actions, ResponseStatus::Ok),
    )
}

pub(crate) fn create(app: &App, request: CreateAction) -> Answer {
    let mut store = app.store();
    store.project_exists(&request.project_id)?;
    let action = store
        .actions
        .create(&request.project_id, request.body, Utc::now());
    one(Operation::CreateAction, action)
}

pub(crate) fn get(app: &App, request: GetAction) -> Answer {
    let action = app.store().actions.get(&request.action_id, Utc::now())?;
    one(Operation::GetAction, action)
}

pub(crate) fn update(app: &App, request: UpdateAction) -> Answer {
    let action = app
        .store()
        .actions
        .update(&request.action_id, request.body, Utc::now())?;
    one(Operation::UpdateAction, action)
}

pub(crate) fn delete(app: &App, request: DeleteAction) -> Answer {
    app.store()
        .actions
        .archive(&request.action_id, Utc::now())?;
    success(
        Operation::DeleteAction,
        ActionDeleteResponse::new(
            ActionDeleteResponseData::new(request.action_id, true),
            ResponseStatus::Ok,
        ),
    )
}

pub(crate) fn enable(app: &App, request: EnableAction) -> Answer {
    let action = app
        .store()
        .actions
        .set_enabled(&request.action_id, true, Utc::now())?;
    one(Operation::EnableAction, action)
}

pub(crate) fn disable(app: &App, request: DisableAction) -> Answer {
    let action = app
        .store()
        .actions
        .set_enabled(&request.action_id, false, Utc::now())?;
    one(Operation::DisableAction, action)
}
