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
use currents_api::types::BranchFilterQueryValue;
use serde::de::DeserializeOwned;
use serde_json::json;
use tower_http::compression::CompressionLayer;

use crate::{
    ApiError, faults,
    requests::record_and_authorize,
    respond::large_json,
    server::App,
    store::{FindQuery, GithubCancel},
};

/// The spec's limit on machine ids in one resetRun request.
pub const MAX_MACHINES_PER_RESET: usize = 63;

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
    let store = app.store();
    large_json(
        &headers,
        &json!({ "status": "OK", "data": store.get(&run_id)? }),
    )
}

async fn find_run(State(app): State<App>, headers: HeaderMap, RawQuery(query): RawQuery) -> Answer {
    let query = find_query(query.as_deref().unwrap_or_default())?;
    let store = app.store();
    large_json(
        &headers,
        &json!({ "status": "OK", "data": store.find(&query)? }),
    )
}

async fn delete_run(State(app): State<App>, run_id: Result<Path<String>, PathRejection>) -> Answer {
    let run_id = run_id_from(run_id)?;
    app.store().delete(&run_id)?;
    Ok(Json(json!({ "status": "OK", "data": { "runId": run_id } })).into_response())
}

async fn cancel_run(State(app): State<App>, run_id: Result<Path<String>, PathRejection>) -> Answer {
    let run_id = run_id_from(run_id)?;
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
    let request: currents_api::types::ResetRunRequest = json_body(&body)?;
    let count = request.machine_id.len();
    if !(1..=MAX_MACHINES_PER_RESET).contains(&count) {
        return Err(ApiError::bad_request(format!(
            "machineId must hold 1 to {MAX_MACHINES_PER_RESET} machine ids, but it holds {count}"
        )));
    }
    if let Some(index) = request.machine_id.iter().position(|id| id.is_empty()) {
        return Err(ApiError::bad_request(format!(
            "machineId[{index}] is empty; machine ids must not be empty"
        )));
    }
    let machines = request.machine_id.into_iter().collect::<BTreeSet<_>>();
    let reset = app.store().reset(&run_id, &machines)?;
    Ok(Json(json!({ "status": "OK", "data": { "runId": run_id, "resetSpecs": reset, "machineIds": machines } }))
        .into_response())
}

async fn cancel_run_by_github_ci(State(app): State<App>, body: Bytes) -> Answer {
    let request: currents_api::types::CancelRunGithubCiRequest = json_body(&body)?;
    if request.github_run_id.is_empty() {
        return Err(ApiError::bad_request("githubRunId must not be empty"));
    }
    let request = GithubCancel {
        github_run_id: request.github_run_id,
        github_run_attempt: request.github_run_attempt,
        project_id: request.project_id,
        ci_build_id: request.ci_build_id,
    };
    let at = Utc::now();
    let run_id = app.store().cancel_github(&request, at)?;
    Ok(cancellation(&run_id, at))
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

/// The run id from the path. Whitespace and control characters never occur in Currents' ids,
/// so they answer 400, as a malformed id does in Currents.
fn run_id_from(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(run_id) =
        path.map_err(|rejection| ApiError::bad_request(format!("invalid run id: {rejection}")))?;
    if run_id.is_empty() || run_id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::bad_request(format!(
            "run id {run_id:?} is malformed: it must be non-empty, without whitespace or control characters"
        )));
    }
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

fn find_query(raw: &str) -> Result<FindQuery, ApiError> {
    let mut query = FindQuery::default();
    let mut project = None;
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match key.as_ref() {
            "projectId" => project = Some(value.into_owned()),
            "ciBuildId" => query.ci_build_id = Some(value.into_owned()),
            "branch" => {
                query.branch = Some(value.parse::<BranchFilterQueryValue>().map_err(|_| {
                    ApiError::bad_request(format!(
                        "branch filter {value:?} is invalid: it must be 1 to 250 printable ASCII \
                         characters without spaces, with `*` allowed only as the last character"
                    ))
                })?);
            }
            "tags[]" | "tag[]" => query.tags.push(value.into_owned()),
            "pwLastRun" => {
                value.parse::<bool>().map_err(|_| {
                    ApiError::bad_request(format!("pwLastRun must be true or false, not {value:?}"))
                })?;
            }
            _ => {}
        }
    }
    query.project_id = project
        .filter(|project| !project.is_empty())
        .ok_or_else(|| ApiError::bad_request("projectId is required"))?;
    Ok(query)
}
