//! The Actions operations: list, create, get, update, delete (archive), enable and disable.

use chrono::Utc;
use currents_api::{
    operations::{
        CreateAction, DeleteAction, DisableAction, EnableAction, GetAction, ListActions, Operation,
        UpdateAction,
    },
    types::{
        Action, ActionDeleteResponse, ActionDeleteResponseData, ActionResponse,
        ActionsListResponse, ResponseStatus, RuleMatcher,
    },
};

use super::success;
use crate::{ApiError, routes::Answer, server::App};

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

/// Refuses a condition whose type does not take its operator, by the spec's table
/// (`ConditionType::allows`), as the client does.
fn check_conditions(matcher: Option<&RuleMatcher>) -> Result<(), ApiError> {
    for condition in matcher.into_iter().flat_map(|matcher| &matcher.cond) {
        if !condition.type_.allows(&condition.op) {
            return Err(ApiError::bad_request(format!(
                "matcher condition: a {} condition does not take {}",
                condition.type_, condition.op
            )));
        }
    }
    Ok(())
}

pub(crate) fn create(app: &App, request: CreateAction) -> Answer {
    check_conditions(Some(&request.body.matcher))?;
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
    check_conditions(request.body.matcher.as_ref())?;
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
