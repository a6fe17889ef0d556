//! The Jira operations: the site's projects and issue types, and issues created from or linked
//! to a run's test.

use currents_api::{
    operations::{
        CreateJiraIssueFromRunTest, LinkJiraIssueFromRunTest, ListJiraIssueTypes, ListJiraProjects,
        Operation,
    },
    types::{
        JiraIssue, JiraIssueResponse, JiraIssueTypesResponse, JiraIssueTypesResponseData,
        JiraIssueTypesResponseDataNextPage, JiraLink, JiraLinkResponse, JiraProjectsResponse,
        JiraProjectsResponseData, JiraProjectsResponseDataNextPage, ResponseStatus,
    },
};

use super::{next_page, page_size, success};
use crate::{
    ApiError,
    derived::executions::tests_of,
    jira::{self, browse_url},
    paging::{PageFault, numbered_page},
    routes::Answer,
    server::App,
    store::Store,
};

pub(crate) fn projects(app: &App, request: ListJiraProjects, fault: Option<PageFault>) -> Answer {
    let found = app
        .store()
        .jira
        .projects(&request.jira_installation_id, request.search.as_deref())?;
    let page = numbered_page(
        found,
        request.page.unwrap_or(ListJiraProjects::PAGE_DEFAULT),
        page_size(request.limit, ListJiraProjects::LIMIT_DEFAULT),
        fault,
    );
    success(
        Operation::ListJiraProjects,
        JiraProjectsResponse::new(
            JiraProjectsResponseData::new(
                page.items,
                next_page::<JiraProjectsResponseDataNextPage>(page.next_page),
            )
            .with_total(page.total as i64),
            ResponseStatus::Ok,
        ),
    )
}

pub(crate) fn issue_types(
    app: &App,
    request: ListJiraIssueTypes,
    fault: Option<PageFault>,
) -> Answer {
    let found = app.store().jira.issue_types(
        &request.jira_installation_id,
        &request.jira_project_id,
        request.search.as_deref(),
    )?;
    let page = numbered_page(
        found,
        request.page.unwrap_or(ListJiraIssueTypes::PAGE_DEFAULT),
        page_size(request.limit, ListJiraIssueTypes::LIMIT_DEFAULT),
        fault,
    );
    success(
        Operation::ListJiraIssueTypes,
        JiraIssueTypesResponse::new(
            JiraIssueTypesResponseData::new(
                page.items,
                next_page::<JiraIssueTypesResponseDataNextPage>(page.next_page),
            )
            .with_total(page.total as i64),
            ResponseStatus::Ok,
        ),
    )
}

/// A 404 that names what is missing, as Currents' does: the project, the run or the test.
fn check_test(
    store: &Store,
    project_id: &str,
    run_id: &str,
    test_id: &str,
) -> Result<(), ApiError> {
    store.project_exists(project_id)?;
    let run = &store.get(run_id)?.run;
    if run.project_id != project_id {
        return Err(ApiError::not_found("run not found in project", run_id));
    }
    let known = run.specs.iter().any(|spec| {
        tests_of(run, spec)
            .iter()
            .any(|test| test.test_id == test_id)
    });
    if !known {
        return Err(ApiError::not_found("test not found in run", test_id));
    }
    Ok(())
}

pub(crate) fn create_issue(app: &App, request: CreateJiraIssueFromRunTest) -> Answer {
    let body = request.body;
    let mut store = app.store();
    check_test(&store, &request.project_id, &body.run_id, &body.test_id)?;
    store.jira.check_target(
        &body.jira_installation_id,
        &body.jira_project_id,
        &body.jira_issue_type,
    )?;
    let issue = store.jira.create(jira::JiraIssue {
        key: String::new(),
        project_id: request.project_id,
        jira_project_id: body.jira_project_id.to_string(),
        issue_type: body.jira_issue_type.to_string(),
        tests: vec![(body.run_id.to_string(), body.test_id.to_string())],
        comments: Vec::new(),
    });
    success(
        Operation::CreateJiraIssueFromRunTest,
        JiraIssueResponse::new(
            JiraIssue::new()
                .with_url(browse_url(&issue.key))
                .with_issue_key(issue.key),
            ResponseStatus::Ok,
        ),
    )
}

pub(crate) fn link_issue(app: &App, request: LinkJiraIssueFromRunTest) -> Answer {
    let body = request.body;
    if !body.include_context_in_comment && body.comment.is_none() {
        return Err(ApiError::bad_request(
            "comment is required when includeContextInComment is false",
        ));
    }
    let mut store = app.store();
    check_test(&store, &request.project_id, &body.run_id, &body.test_id)?;
    store.jira.check_target(
        &body.jira_installation_id,
        &body.jira_project_id,
        &body.jira_issue_type,
    )?;
    let mut comment = body.comment.map(String::from).unwrap_or_default();
    if body.include_context_in_comment {
        comment.push_str(&format!(
            "\n\nCurrents test {} of run {}",
            body.test_id.as_str(),
            body.run_id.as_str()
        ));
    }
    let issue = store.jira.link(
        &request.jira_issue_key,
        (body.run_id.to_string(), body.test_id.to_string()),
        comment,
    )?;
    success(
        Operation::LinkJiraIssueFromRunTest,
        JiraLinkResponse::new(
            JiraLink::new()
                .with_url(browse_url(&issue.key))
                .with_issue_key(issue.key),
            ResponseStatus::Ok,
        ),
    )
}
