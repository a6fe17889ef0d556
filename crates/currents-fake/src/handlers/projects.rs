//! listProjects, getProject, listProjectRuns and getProjectInsights.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use currents_api::{
    operations::{
        GetProject, GetProjectInsights, ListProjectRuns, ListProjects, Operation, Paginated,
    },
    types::{
        InsightsResolution, ProjectInsightsResponse, ProjectInsightsResponseData,
        ProjectInsightsResponseDataResults, ProjectInsightsResponseDataResultsOverall,
        ProjectInsightsResponseDataResultsTimelineItemValue, ProjectResponse, ProjectWithCursor,
        ProjectsListResponse, ResponseStatus, RunsListResponse,
    },
};
use serde_json::Value;

use super::{page_size, success};
use crate::{
    ApiError,
    derived::{
        metrics::{bucket, run_metrics, scope_of},
        projects::projects,
    },
    feed::RunFilter,
    paging::{CursorQuery, PageFault, Place, Sorted, cursor_page},
    respond::large_json,
    routes::Answer,
    server::App,
};

pub(crate) fn list(app: &App, request: ListProjects, fault: Option<PageFault>) -> Answer {
    let store = app.store();
    let all = projects(&store.projects, store.runs().map(|stored| &stored.run));
    let places = Sorted::new(
        all.into_values()
            .map(|project| {
                let place = Place::new(project.created_at, project.project_id.clone());
                (place, project)
            })
            .collect(),
    );
    let query = CursorQuery {
        limit: page_size(request.limit, ListProjects::LIMIT_DEFAULT),
        starting_after: request.starting_after.as_deref(),
        ending_before: request.ending_before.as_deref(),
    };
    let page = cursor_page(&places, &query, fault)?;
    let data = page
        .items
        .into_iter()
        .map(|(cursor, project)| {
            ProjectWithCursor::new(project.created_at, project.name, project.project_id)
                .with_cursor(cursor)
                .set_default_branch_name(project.default_branch_name)
                .set_fail_fast(project.fail_fast)
                .set_inactivity_timeout_seconds(project.inactivity_timeout_seconds)
        })
        .collect::<Vec<_>>();
    success(
        Operation::ListProjects,
        ProjectsListResponse::new(data, page.has_more, ResponseStatus::Ok),
    )
}

pub(crate) fn get(app: &App, request: GetProject) -> Answer {
    let store = app.store();
    let project = projects(&store.projects, store.runs().map(|stored| &stored.run))
        .remove(&request.project_id)
        .ok_or_else(|| ApiError::not_found("project not found", &request.project_id))?;
    success(
        Operation::GetProject,
        ProjectResponse::new(project, ResponseStatus::Ok),
    )
}

pub(crate) fn runs(
    app: &App,
    headers: &HeaderMap,
    request: ListProjectRuns,
    fault: Option<PageFault>,
) -> Answer {
    let filter = RunFilter::from(&request);
    let store = app.store();
    store.project_exists(&request.project_id)?;
    // Read a page at a time from the runs in time order: a page costs the same however
    // many runs there are.
    let selected = store
        .feed(|run| filter.selects(run))
        .within(request.date_start, request.date_end);
    let query = CursorQuery {
        limit: page_size(request.limit, ListProjectRuns::LIMIT_DEFAULT),
        starting_after: request.starting_after.as_deref(),
        ending_before: request.ending_before.as_deref(),
    };
    let page = cursor_page(&selected, &query, fault)?;
    let data = page
        .items
        .into_iter()
        .map(|(cursor, stored)| app.feed_item(stored, cursor))
        .collect::<Vec<_>>();
    // The envelope is the generated answer's; the items are the runs as stored and rendered,
    // with the fields production sends beyond the spec's.
    let envelope = RunsListResponse::new(Vec::new(), page.has_more, ResponseStatus::Ok);
    let mut answer = serde_json::to_value(envelope).map_err(|error| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode the response: {error}"),
        )
    })?;
    if let Some(items) = answer.pointer_mut(<ListProjectRuns as Paginated>::STYLE.items_pointer()) {
        *items = Value::Array(data);
    }
    large_json(headers, &answer)
}

pub(crate) fn insights(app: &App, request: GetProjectInsights) -> Answer {
    let scope = scope_of!(request);
    let resolution = request.resolution.unwrap_or(InsightsResolution::Day);
    let store = app.store();
    store.project_exists(&scope.project_id)?;
    let runs = store
        .runs()
        .map(|stored| &stored.run)
        .filter(|run| scope.covers(run))
        .collect::<Vec<_>>();
    let (overall_runs, overall_tests) = run_metrics(runs.iter().copied());
    let mut buckets: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for run in &runs {
        buckets
            .entry(bucket(run.created_at, &resolution))
            .or_default()
            .push(*run);
    }
    let timeline = buckets
        .into_iter()
        .map(|(start, runs)| {
            let (runs, tests) = run_metrics(runs.into_iter());
            let value = ProjectInsightsResponseDataResultsTimelineItemValue::new()
                .with_runs(runs)
                .with_tests(tests);
            [(
                start.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                value,
            )]
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>()
        })
        .collect::<Vec<_>>();
    success(
        Operation::GetProjectInsights,
        ProjectInsightsResponse::new(
            ProjectInsightsResponseData::new()
                .with_date_end(request.date_end)
                .with_date_start(request.date_start)
                .with_org_id("fake-org")
                .with_project_id(scope.project_id.clone())
                .with_resolution(resolution.to_string())
                .with_results(
                    ProjectInsightsResponseDataResults::new()
                        .with_overall(
                            ProjectInsightsResponseDataResultsOverall::new()
                                .with_runs(overall_runs)
                                .with_tests(overall_tests),
                        )
                        .with_timeline(timeline),
                ),
            ResponseStatus::Ok,
        ),
    )
}
