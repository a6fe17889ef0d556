//! The six operations as HTTP handlers under `/v1`, plus JSON answers for unknown routes and
//! methods (axum's defaults are plain text).

use std::collections::BTreeSet;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, RawQuery, Request, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, put},
};
use chrono::Utc;
use currents_api::types::{
    BranchFilterQueryValue, CancelRunGithubCiRequestGithubRunAttempt as GithubRunAttempt,
};
use serde::de::DeserializeOwned;
use serde_json::json;
use tower_http::compression::CompressionLayer;

use crate::{
    ApiError, Operation, check, faults,
    requests::record_and_authorize,
    respond::large_json,
    server::App,
    store::{FindQuery, GithubCancel},
};

pub(crate) fn router(app: App) -> Router {
    let api = Router::new()
        .route("/runs/find", get(find_run))
        .route("/runs/cancel-ci/github", put(cancel_run_by_github_ci))
        .route("/runs/{runId}", get(get_run).delete(delete_run))
        .route("/runs/{runId}/cancel", put(cancel_run))
        .route("/runs/{runId}/reset", put(reset_run))
        .route_layer(middleware::from_fn_with_state(app.clone(), faults::inject));
    Router::new()
        .nest("/v1", api)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            record_and_authorize,
        ))
        .layer(CompressionLayer::new().gzip(true))
        .with_state(app)
}

type Answer = Result<Response, ApiError>;

async fn get_run(
    State(app): State<App>,
    headers: HeaderMap,
    run_id: Result<Path<String>, PathRejection>,
) -> Answer {
    let run_id = run_id_from(run_id)?;
    check::request(
        Operation::GetRun.operation_id(),
        &[("runId", &run_id)],
        None,
        b"",
    )?;
    let store = app.store();
    // pwLastRun is part of findRun's answer only, and only when asked for.
    let data = app.run_document(store.get(&run_id)?, None);
    large_json(&headers, &json!({ "status": "OK", "data": data }))
}

async fn find_run(State(app): State<App>, headers: HeaderMap, RawQuery(query): RawQuery) -> Answer {
    check::request(
        Operation::FindRun.operation_id(),
        &[],
        query.as_deref(),
        b"",
    )?;
    let query = find_query(query.as_deref().unwrap_or_default())?;
    let store = app.store();
    let found = store.find(&query)?;
    let last_run = query.pw_last_run.then(|| found.last_run());
    let data = app.run_document(found, last_run);
    large_json(&headers, &json!({ "status": "OK", "data": data }))
}

async fn delete_run(State(app): State<App>, run_id: Result<Path<String>, PathRejection>) -> Answer {
    let run_id = run_id_from(run_id)?;
    check::request(
        Operation::DeleteRun.operation_id(),
        &[("runId", &run_id)],
        None,
        b"",
    )?;
    app.store().delete(&run_id)?;
    Ok(Json(json!({ "status": "OK", "data": { "runId": run_id } })).into_response())
}

async fn cancel_run(State(app): State<App>, run_id: Result<Path<String>, PathRejection>) -> Answer {
    let run_id = run_id_from(run_id)?;
    check::request(
        Operation::CancelRun.operation_id(),
        &[("runId", &run_id)],
        None,
        b"",
    )?;
    let at = Utc::now();
    app.store().cancel(&run_id, "api", at)?;
    Ok(cancellation(&run_id, at))
}

async fn reset_run(
    State(app): State<App>,
    run_id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Answer {
    let run_id = run_id_from(run_id)?;
    check::request(
        Operation::ResetRun.operation_id(),
        &[("runId", &run_id)],
        None,
        &body,
    )?;
    let request: currents_api::types::ResetRunRequest = json_body(&body)?;
    let machines = request
        .machine_id
        .into_iter()
        .map(String::from)
        .collect::<BTreeSet<_>>();
    let reset = app.store().reset(&run_id, &machines)?;
    Ok(Json(json!({ "status": "OK", "data": { "runId": run_id, "resetSpecs": reset, "machineIds": machines } }))
        .into_response())
}

async fn cancel_run_by_github_ci(State(app): State<App>, body: Bytes) -> Answer {
    check::request(
        Operation::CancelRunByGithubCi.operation_id(),
        &[],
        None,
        &body,
    )?;
    let request: currents_api::types::CancelRunGithubCiRequest = json_body(&body)?;
    let request = GithubCancel {
        github_run_id: request.github_run_id.to_string(),
        github_run_attempt: attempt_number(&request.github_run_attempt)?,
        project_id: request.project_id.map(String::from),
        ci_build_id: request.ci_build_id.map(String::from),
    };
    let at = Utc::now();
    let run_id = app.store().cancel_github(&request, at)?;
    Ok(cancellation(&run_id, at))
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

async fn unknown_route(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no route for {} {}; the API serves /v1/runs/{{runId}}, /v1/runs/find, \
             /v1/runs/{{runId}}/cancel, /v1/runs/{{runId}}/reset and /v1/runs/cancel-ci/github",
            request.method(),
            request.uri().path()
        ),
    )
}

async fn wrong_method(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {}; see the Allow header",
            request.method(),
            request.uri().path()
        ),
    )
}

fn cancellation(run_id: &str, at: chrono::DateTime<Utc>) -> Response {
    let data = json!({ "runId": run_id, "cancelled": true, "cancelledAt": at });
    Json(json!({ "status": "OK", "data": data })).into_response()
}

/// The run id from the path, percent-decoded; what the spec allows in it is checked with the
/// rest of the request.
fn run_id_from(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(run_id) =
        path.map_err(|rejection| ApiError::bad_request(format!("invalid run id: {rejection}")))?;
    Ok(run_id)
}

fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let at = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::bad_request(format!("the request body is not valid JSON: {inner}"))
        } else if at == "." {
            ApiError::bad_request(format!(
                "the request body does not match the schema: {inner}"
            ))
        } else {
            ApiError::bad_request(format!("the request body field {at} is invalid: {inner}"))
        }
    })
}

/// findRun's query, already checked against the spec.
fn find_query(raw: &str) -> Result<FindQuery, ApiError> {
    let mut query = FindQuery::default();
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match key.as_ref() {
            "projectId" => query.project_id = value.into_owned(),
            "ciBuildId" => query.ci_build_id = Some(value.into_owned()),
            "branch" => {
                query.branch = Some(value.parse::<BranchFilterQueryValue>().map_err(|_| {
                    ApiError::bad_request(format!("branch filter {value:?} is invalid"))
                })?);
            }
            "tags[]" | "tag[]" => query.tags.push(value.into_owned()),
            "pwLastRun" => query.pw_last_run = value == "true",
            _ => {}
        }
    }
    Ok(query)
}
