//! The API below the spec's base path: one route per operation of the generated operation
//! table. Each request is checked against the spec, read into its generated request type and
//! handed to its handler. Unknown routes and methods get JSON errors too (axum's are text).

use std::collections::BTreeMap;

use axum::{
    Extension, Router,
    body::Bytes,
    extract::{Path, RawQuery, Request, State, rejection::PathRejection},
    handler::Handler as _,
    http::{HeaderMap, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::{MethodFilter, MethodRouter},
};
use currents_api::{
    operations::{Method, Operation, Request as ApiRequest, RequestParts},
    servers::BASE_PATH,
};
use tower_http::compression::CompressionLayer;

use crate::{
    ApiError, check, faults,
    handlers::{
        actions, affected, context, errors, jira, projects, pull_requests, results, runs, terms,
        webhooks,
    },
    paging::PageFault,
    requests::record_and_authorize,
    server::App,
};

pub(crate) type Answer = Result<Response, ApiError>;

pub(crate) fn router(app: App) -> Router {
    let mut routes: BTreeMap<&'static str, MethodRouter<App>> = BTreeMap::new();
    for operation in Operation::ALL {
        let handler = move |State(app): State<App>,
                            headers: HeaderMap,
                            path: Result<Path<Vec<(String, String)>>, PathRejection>,
                            RawQuery(query): RawQuery,
                            fault: Option<Extension<PageFault>>,
                            body: Bytes| async move {
            let fault = fault.map(|Extension(fault)| fault);
            answer(
                &app,
                operation,
                &headers,
                path,
                query.as_deref(),
                &body,
                fault,
            )
            .unwrap_or_else(IntoResponse::into_response)
        };
        // The route carries its operation: to its faults, and to the request log.
        let handler = handler.layer(middleware::from_fn_with_state(
            (app.clone(), operation),
            faults::inject,
        ));
        let route = routes.remove(operation.path()).unwrap_or_default();
        routes.insert(
            operation.path(),
            route.on(method_filter(operation.method()), handler),
        );
    }
    let api = routes
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            router.route(path, route)
        });
    Router::new()
        .nest(BASE_PATH, api)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            record_and_authorize,
        ))
        .layer(CompressionLayer::new().gzip(true))
        .with_state(app)
}

fn answer(
    app: &App,
    operation: Operation,
    headers: &HeaderMap,
    path: Result<Path<Vec<(String, String)>>, PathRejection>,
    query: Option<&str>,
    body: &[u8],
    fault: Option<PageFault>,
) -> Answer {
    let Path(path) =
        path.map_err(|rejection| ApiError::bad_request(format!("invalid path: {rejection}")))?;
    let query = check::spelled(operation, query);
    check::request(operation, &path, query.as_deref(), body)?;
    let query = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect::<Vec<_>>();
    let parts = RequestParts {
        path: &path,
        query: &query,
        body,
    };
    match operation {
        Operation::GetRun => runs::get_run(app, headers, read(&parts)?),
        Operation::FindRun => runs::find_run(app, headers, read(&parts)?),
        Operation::DeleteRun => runs::delete_run(app, read(&parts)?),
        Operation::CancelRun => runs::cancel_run(app, read(&parts)?),
        Operation::ResetRun => runs::reset_run(app, read(&parts)?),
        Operation::CancelRunByGithubCi => runs::cancel_run_by_github_ci(app, read(&parts)?),
        Operation::ListProjects => projects::list(app, read(&parts)?, fault),
        Operation::GetProject => projects::get(app, read(&parts)?),
        Operation::ListProjectRuns => projects::runs(app, headers, read(&parts)?, fault),
        Operation::GetProjectInsights => projects::insights(app, read(&parts)?),
        Operation::GetInstance => results::instance(app, read(&parts)?),
        Operation::GetSpecFiles => results::spec_files_page(app, read(&parts)?, fault),
        Operation::GetTestsExplorer => results::tests_page(app, read(&parts)?, fault),
        Operation::GetTestResults => results::test_results(app, read(&parts)?, fault),
        Operation::GetTestSignature => results::test_signature(app, read(&parts)?),
        Operation::ListActions => actions::list(app, read(&parts)?),
        Operation::CreateAction => actions::create(app, read(&parts)?),
        Operation::GetAction => actions::get(app, read(&parts)?),
        Operation::UpdateAction => actions::update(app, read(&parts)?),
        Operation::DeleteAction => actions::delete(app, read(&parts)?),
        Operation::EnableAction => actions::enable(app, read(&parts)?),
        Operation::DisableAction => actions::disable(app, read(&parts)?),
        Operation::GetErrorsExplorer => errors::explorer(app, read(&parts)?, fault),
        Operation::ListWebhooks => webhooks::list(app, read(&parts)?),
        Operation::CreateWebhook => webhooks::create(app, read(&parts)?),
        Operation::GetWebhook => webhooks::get(app, read(&parts)?),
        Operation::UpdateWebhook => webhooks::update(app, read(&parts)?),
        Operation::DeleteWebhook => webhooks::delete(app, read(&parts)?),
        Operation::ListAffectedTests => affected::tests(app, read(&parts)?, fault),
        Operation::ListAffectedTestExecutions => {
            affected::test_executions(app, read(&parts)?, fault)
        }
        Operation::ListActionTestExecutions => {
            affected::action_executions(app, read(&parts)?, fault)
        }
        Operation::GetContext => context::context(app, headers, read(&parts)?),
        Operation::ListProjectPullRequests => pull_requests::list(app, read(&parts)?, fault),
        Operation::ListProjectTerms => terms::list(app, read(&parts)?, fault),
        Operation::CreateJiraIssueFromRunTest => jira::create_issue(app, read(&parts)?),
        Operation::LinkJiraIssueFromRunTest => jira::link_issue(app, read(&parts)?),
        Operation::ListJiraProjects => jira::projects(app, read(&parts)?, fault),
        Operation::ListJiraIssueTypes => jira::issue_types(app, read(&parts)?, fault),
    }
}

/// The request read into its generated type. The spec check comes first, so this refuses only
/// what the spec's schemas cannot say (a date-time that does not parse, say).
fn read<R: ApiRequest>(parts: &RequestParts<'_>) -> Result<R, ApiError> {
    R::from_parts(parts).map_err(|error| ApiError::bad_request(error.to_string()))
}

fn method_filter(method: Method) -> MethodFilter {
    match method {
        Method::Get => MethodFilter::GET,
        Method::Put => MethodFilter::PUT,
        Method::Post => MethodFilter::POST,
        Method::Delete => MethodFilter::DELETE,
        Method::Patch => MethodFilter::PATCH,
    }
}

async fn unknown_route(request: Request) -> ApiError {
    let mut served = Operation::ALL
        .iter()
        .map(|operation| format!("{BASE_PATH}{}", operation.path()))
        .collect::<Vec<_>>();
    served.dedup();
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no route for {} {}; the API serves {}",
            request.method(),
            request.uri().path(),
            served.join(", ")
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
