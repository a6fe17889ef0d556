//! The affected-tests operations: the tests that actions applied to, and their executions.
//!
//! An action applies to a test execution when its matcher matches the test and the run came
//! after the action was created: actions change runs from then on, not the past.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use currents_api::{
    operations::{
        ListActionTestExecutions, ListAffectedTestExecutions, ListAffectedTests, Operation,
    },
    types::{
        Action, AffectedTest, AffectedTestActionsItem, AffectedTestExecution,
        AffectedTestExecutionAction, AffectedTestExecutionsResponse, AffectedTestsResponse,
        AffectedTestsResponseData, AffectedTestsResponseDataNextPage, ResponseStatus, RuleAction,
        SortDirection,
    },
};

use super::{next_page, page_size, success};
use crate::{
    ApiError,
    derived::{executions::tests_of, matching::matches},
    paging::{CursorQuery, PageFault, Place, Sorted, cursor_page, numbered_page},
    routes::Answer,
    server::App,
    store::Store,
};

/// A date bound as the API reads it (date-fns `parseISO`): a date is its midnight, UTC.
fn date(name: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .ok()
                .and_then(|day| day.and_hms_opt(0, 0, 0))
                .map(|at| at.and_utc())
        })
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "\"{name}\" must be an ISO 8601 date or date-time, not '{}'",
                value.escape_debug()
            ))
        })
}

fn range(start: &str, end: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let (start, end) = (date("date_start", start)?, date("date_end", end)?);
    if start > end {
        return Err(ApiError::bad_request(
            "\"date_start\" should be less than or equal to \"date_end\"",
        ));
    }
    Ok((start, end))
}

/// The kind of an action's first rule: `skip`, `quarantine` or `tag`.
fn kind(action: &Action) -> String {
    match action.action.first() {
        Some(RuleAction::Skip(_)) => "skip",
        Some(RuleAction::Quarantine(_)) => "quarantine",
        Some(RuleAction::Tag(_)) => "tag",
        _ => "other",
    }
    .to_owned()
}

/// One execution an action applied to.
struct Applied {
    place: Place,
    action: Action,
    execution: AffectedTestExecution,
    title: Vec<String>,
    spec: Option<String>,
}

/// Every execution in the range that one of `actions` applied to, newest first.
fn applied(
    store: &Store,
    project_id: Option<&str>,
    actions: &[(String, Action)],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Vec<Applied> {
    let mut found = Vec::new();
    for stored in store.runs() {
        let run = &stored.run;
        if project_id.is_some_and(|p| p != run.project_id)
            || run.created_at < from
            || run.created_at > to
        {
            continue;
        }
        let commit = run.meta.as_ref().and_then(|meta| meta.commit.as_ref());
        for spec in &run.specs {
            for test in tests_of(run, spec) {
                for (action_project, action) in actions {
                    if *action_project != run.project_id
                        || action.created_at > run.created_at
                        || !matches(&action.matcher, run, spec, &test)
                    {
                        continue;
                    }
                    let instance_id = spec.instance_id.clone().unwrap_or_default();
                    let place = Place::new(
                        run.created_at,
                        format!(
                            "{}:{instance_id}:{}:{}",
                            run.run_id, test.test_id, action.action_id
                        ),
                    );
                    let execution = AffectedTestExecution::new(place.cursor())
                        .with_signature(test.signature.clone())
                        .with_run_id(run.run_id.clone())
                        .with_instance_id(instance_id)
                        .with_test_id(test.test_id.clone())
                        .with_title(test.title.clone())
                        .set_spec(spec.spec.clone())
                        .set_branch(commit.and_then(|c| c.branch.clone()))
                        .set_commit_sha(commit.and_then(|c| c.sha.clone()))
                        .with_created_at(run.created_at)
                        .with_action(
                            AffectedTestExecutionAction::new()
                                .with_action_id(action.action_id.clone())
                                .with_name(action.name.clone())
                                .with_type_(kind(action)),
                        );
                    found.push(Applied {
                        place,
                        action: action.clone(),
                        execution,
                        title: test.title.clone(),
                        spec: spec.spec.clone(),
                    });
                }
            }
        }
    }
    found
}

fn contains(text: &str, search: Option<&str>) -> bool {
    search.is_none_or(|search| text.to_lowercase().contains(&search.to_lowercase()))
}

pub(crate) fn tests(app: &App, request: ListAffectedTests, fault: Option<PageFault>) -> Answer {
    let window = range(&request.date_start, &request.date_end)?;
    let store = app.store();
    store.project_exists(&request.project_id)?;
    let actions = store
        .actions
        .list(&request.project_id, &[], None, Utc::now())
        .into_iter()
        .filter(|action| {
            (request.status.is_empty()
                || request
                    .status
                    .iter()
                    .any(|s| s.to_string() == action.status.to_string()))
                && (request.action_type.is_empty()
                    || request
                        .action_type
                        .iter()
                        .any(|t| t.to_string() == kind(action)))
                && request
                    .action_id
                    .as_ref()
                    .is_none_or(|id| *id == action.action_id)
        })
        .map(|action| (request.project_id.clone(), action))
        .collect::<Vec<_>>();
    let mut by_signature: BTreeMap<String, AffectedTest> = BTreeMap::new();
    for applied in applied(&store, Some(&request.project_id), &actions, window) {
        let signature = applied.execution.signature.clone().unwrap_or_default();
        let text = format!(
            "{} {} {}",
            applied.spec.as_deref().unwrap_or_default(),
            applied.title.join(" > "),
            applied.action.name
        );
        if !contains(&text, request.search.as_deref()) {
            continue;
        }
        let test = by_signature.entry(signature.clone()).or_insert_with(|| {
            AffectedTest::new(signature)
                .with_title(applied.title.clone())
                .set_spec(applied.spec.clone())
                .with_executions(0)
        });
        test.executions = Some(test.executions.unwrap_or(0) + 1);
        if test.last_seen.is_none_or(|seen| seen < applied.place.at) {
            test.last_seen = Some(applied.place.at);
        }
        if !test
            .actions
            .iter()
            .any(|a| a.action_id.as_deref() == Some(applied.action.action_id.as_str()))
        {
            test.actions.push(
                AffectedTestActionsItem::new()
                    .with_action_id(applied.action.action_id.clone())
                    .with_name(applied.action.name.clone())
                    .with_type_(kind(&applied.action)),
            );
        }
    }
    let mut list = by_signature.into_values().collect::<Vec<_>>();
    list.sort_by(|a, b| (b.last_seen, &a.signature).cmp(&(a.last_seen, &b.signature)));
    if request.dir == Some(SortDirection::Asc) {
        list.reverse();
    }
    let page = numbered_page(
        list,
        request.page.unwrap_or(ListAffectedTests::PAGE_DEFAULT),
        page_size(request.limit, ListAffectedTests::LIMIT_DEFAULT),
        fault,
    );
    success(
        Operation::ListAffectedTests,
        AffectedTestsResponse::new(
            AffectedTestsResponseData::new(
                page.items,
                next_page::<AffectedTestsResponseDataNextPage>(page.next_page),
            )
            .with_total(page.total as i64),
            ResponseStatus::Ok,
        ),
    )
}

fn executions_page(
    operation: Operation,
    found: Vec<Applied>,
    search: Option<&str>,
    query: &CursorQuery<'_>,
    fault: Option<PageFault>,
) -> Answer {
    let found = found
        .into_iter()
        .filter(|applied| contains(&applied.action.name, search))
        .map(|applied| (applied.place, applied.execution))
        .collect();
    let page = cursor_page(&Sorted::new(found), query, fault)?;
    success(
        operation,
        AffectedTestExecutionsResponse::new(
            page.items
                .into_iter()
                .map(|(cursor, execution)| execution.with_cursor(cursor))
                .collect::<Vec<_>>(),
            page.has_more,
            ResponseStatus::Ok,
        ),
    )
}

pub(crate) fn test_executions(
    app: &App,
    request: ListAffectedTestExecutions,
    fault: Option<PageFault>,
) -> Answer {
    let window = range(&request.date_start, &request.date_end)?;
    let store = app.store();
    store.project_exists(&request.project_id)?;
    let actions = store
        .actions
        .list(&request.project_id, &[], None, Utc::now())
        .into_iter()
        .map(|action| (request.project_id.clone(), action))
        .collect::<Vec<_>>();
    let found = applied(&store, Some(&request.project_id), &actions, window)
        .into_iter()
        .filter(|a| a.execution.signature.as_deref() == Some(request.signature.as_str()))
        .collect();
    let query = CursorQuery {
        limit: page_size(request.limit, ListAffectedTestExecutions::LIMIT_DEFAULT),
        starting_after: request.starting_after.as_deref(),
        ending_before: request.ending_before.as_deref(),
    };
    executions_page(
        Operation::ListAffectedTestExecutions,
        found,
        request.search.as_deref(),
        &query,
        fault,
    )
}

pub(crate) fn action_executions(
    app: &App,
    request: ListActionTestExecutions,
    fault: Option<PageFault>,
) -> Answer {
    let window = range(&request.date_start, &request.date_end)?;
    let store = app.store();
    let action = store.actions.get(&request.action_id, Utc::now())?;
    let project = store
        .actions
        .project_of(&request.action_id)
        .unwrap_or_default();
    let found = applied(&store, Some(&project), &[(project.clone(), action)], window);
    let query = CursorQuery {
        limit: page_size(request.limit, ListActionTestExecutions::LIMIT_DEFAULT),
        starting_after: request.starting_after.as_deref(),
        ending_before: request.ending_before.as_deref(),
    };
    executions_page(
        Operation::ListActionTestExecutions,
        found,
        request.search.as_deref(),
        &query,
        fault,
    )
}
