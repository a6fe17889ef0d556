//! The six run operations of the Runs docs page.

use std::collections::BTreeSet;

use axum::{
    Json,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use currents_api::{
    operations::{CancelRun, CancelRunByGithubCi, DeleteRun, FindRun, GetRun, ResetRun},
    types::{
        CancelRunGithubCiRequestGithubRunAttempt as GithubRunAttempt, ResponseStatus,
        RunCancellationResponse, RunCancellationResponseData, RunDeleteResponse,
        RunDeleteResponseData,
    },
};
use serde_json::json;

use crate::{
    ApiError,
    respond::{large_json, ok},
    routes::Answer,
    server::App,
    store::{FindQuery, GithubCancel},
};

pub(crate) fn get_run(app: &App, headers: &HeaderMap, request: GetRun) -> Answer {
    let store = app.store();
    // pwLastRun is part of findRun's answer only, and only when asked for.
    let data = app.run_document(store.get(&request.run_id)?, None);
    large_json(headers, &ok(data))
}

pub(crate) fn find_run(app: &App, headers: &HeaderMap, request: FindRun) -> Answer {
    // `tag[]` is deprecated, but `@currents/cmd` still sends it.
    #[allow(deprecated)]
    let tags = request.tags.into_iter().chain(request.tag).collect();
    let query = FindQuery {
        project_id: request.project_id,
        ci_build_id: request.ci_build_id,
        branch: request.branch,
        tags,
    };
    let store = app.store();
    let found = store.find(&query)?;
    let last_run = request
        .pw_last_run
        .unwrap_or(false)
        .then(|| found.last_run());
    let data = app.run_document(found, last_run);
    large_json(headers, &ok(data))
}

pub(crate) fn delete_run(app: &App, request: DeleteRun) -> Answer {
    app.store().delete(&request.run_id)?;
    Ok(Json(RunDeleteResponse::new(
        RunDeleteResponseData::new().with_run_id(request.run_id),
        ResponseStatus::Ok,
    ))
    .into_response())
}

pub(crate) fn cancel_run(app: &App, request: CancelRun) -> Answer {
    let at = Utc::now();
    app.store().cancel(&request.run_id, "api", at)?;
    Ok(cancellation(request.run_id, at))
}

pub(crate) fn reset_run(app: &App, request: ResetRun) -> Answer {
    let machines = request
        .body
        .machine_id
        .into_iter()
        .map(String::from)
        .collect::<BTreeSet<_>>();
    let reset = app.store().reset(&request.run_id, &machines)?;
    // The spec leaves the reset result free-form; the fake says what it did.
    let data = json!({ "runId": request.run_id, "resetSpecs": reset, "machineIds": machines });
    Ok(Json(ok(data)).into_response())
}

pub(crate) fn cancel_run_by_github_ci(app: &App, request: CancelRunByGithubCi) -> Answer {
    let body = request.body;
    let cancel = GithubCancel {
        github_run_id: body.github_run_id.to_string(),
        github_run_attempt: attempt_number(&body.github_run_attempt)?,
        project_id: body.project_id.map(String::from),
        ci_build_id: body.ci_build_id.map(String::from),
    };
    let at = Utc::now();
    let run_id = app.store().cancel_github(&cancel, at)?;
    Ok(cancellation(run_id, at))
}

/// The attempt as a number, whether it came as one (as the docs say) or as a string of digits
/// (as Currents' GitHub Action sends it).
fn attempt_number(attempt: &GithubRunAttempt) -> Result<u64, ApiError> {
    match attempt {
        GithubRunAttempt::Number(number) => Ok(number.get()),
        GithubRunAttempt::Digits(digits) => digits.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "githubRunAttempt {:?} is too large",
                digits.as_str()
            ))
        }),
    }
}

fn cancellation(run_id: String, at: DateTime<Utc>) -> Response {
    Json(RunCancellationResponse::new(
        RunCancellationResponseData::new()
            .with_cancelled(true)
            .with_cancelled_at(at)
            .with_run_id(run_id),
        ResponseStatus::Ok,
    ))
    .into_response()
}
