//! getInstance, getSpecFiles, getTestsExplorer, getTestResults and getTestSignature: what the
//! runs' specs and tests say, per instance and over a date range.

use currents_api::{
    operations::{
        GetInstance, GetSpecFiles, GetTestResults, GetTestSignature, GetTestsExplorer, Operation,
    },
    types::{
        Instance, InstanceFramework, InstanceResponse, InstanceResults, InstanceResultsStats,
        InstanceTest, InstanceTestAttempt, InstanceTestError, InstanceTestResult, ResponseStatus,
        Run, RunSpec, SpecFilesResponse, SpecFilesResponseData, SpecFilesResponseDataNextPage,
        TestResult, TestResultAttemptsItem, TestResultAttemptsItemError, TestResultCommit,
        TestResultsResponse, TestSignatureRequestTestTitle, TestSignatureResponse,
        TestSignatureResponseData, TestsExplorerResponse, TestsExplorerResponseData,
        TestsExplorerResponseDataNextPage,
    },
};

use super::{page_size, success};
use crate::{
    ApiError, Spelling,
    derived::{
        executions::{TestExecution, signature, tests_of},
        metrics::{Scope, TestFilter, scope_of, spec_files, tests_explorer},
    },
    paging::{CursorQuery, PageFault, Place, Sorted, cursor_page, numbered_page},
    routes::Answer,
    server::App,
};

pub(crate) fn instance(app: &App, request: GetInstance) -> Answer {
    let store = app.store();
    let (run, spec) = store
        .runs()
        .flat_map(|stored| stored.run.specs.iter().map(move |spec| (&stored.run, spec)))
        .find(|(_, spec)| spec.instance_id.as_deref() == Some(request.instance_id.as_str()))
        .ok_or_else(|| ApiError::not_found("instance not found", &request.instance_id))?;
    let tests = tests_of(run, spec);
    let data = match app.spelling() {
        Spelling::Production => production_instance(run, spec, &tests),
        Spelling::Documented => documented_instance(run, spec, &tests),
    };
    success(
        Operation::GetInstance,
        InstanceResponse::new(data, ResponseStatus::Ok),
    )
}

/// The instance as the docs describe it: each test with its state, error and attempts.
fn documented_instance(run: &Run, spec: &RunSpec, tests: &[TestExecution]) -> Instance {
    let results = spec.results.as_ref().map(|results| {
        InstanceResults::new()
            .set_exception(results.exception.clone())
            .set_flaky(results.flaky)
            .with_stats(instance_stats(spec, tests))
            .with_tests(
                tests
                    .iter()
                    .map(|test| {
                        InstanceTest::new()
                            .with_attempts(attempts(spec, test))
                            .set_display_error(test.error.clone())
                            .with_state(test.state.clone())
                            .with_test_id(test.test_id.clone())
                            .with_title(test.title.clone())
                    })
                    .collect::<Vec<_>>(),
            )
    });
    instance_of(run, spec)
        .set_completed_at(spec.completed_at)
        .set_results(results)
}

/// The instance as production answers it: each test in the compact form (`_s`, `_f`), its
/// detail in `testResults`, and no `completedAt`, `exception` or `flaky`.
fn production_instance(run: &Run, spec: &RunSpec, tests: &[TestExecution]) -> Instance {
    let results = spec.results.as_ref().map(|_| {
        InstanceResults::new()
            .with_stats(instance_stats(spec, tests))
            .with_tests(
                tests
                    .iter()
                    .map(|test| {
                        InstanceTest::new()
                            .with_duration(test.duration_ms)
                            .set_end_time(test.ended_at())
                            .with_f(test.flaky)
                            .set_group_id(spec.group_id.clone())
                            .with_original_title(test.title.clone())
                            .with_s(test.state.clone())
                            .set_spec(spec.spec.clone())
                            .set_start_time(test.started_at)
                            .with_test_id(test.test_id.clone())
                            .with_title(test.title.clone())
                    })
                    .collect::<Vec<_>>(),
            )
    });
    let test_results = tests
        .iter()
        .map(|test| {
            let result = InstanceTestResult::new()
                .with_attempts(attempts(spec, test))
                .set_display_error(test.error.clone())
                .with_duration(test.duration_ms)
                .set_end_time(test.ended_at())
                .with_is_flaky(test.flaky)
                .with_record_id(format!("{}-record", test.test_id))
                .set_start_time(test.started_at)
                .with_state(test.state.clone());
            (test.test_id.clone(), result)
        })
        .collect::<std::collections::HashMap<_, _>>();
    let framework = run
        .meta
        .as_ref()
        .and_then(|meta| meta.framework.as_ref())
        .map(|framework| {
            InstanceFramework::new()
                .set_client_version(framework.client_version.clone())
                .set_type_(framework.type_.clone().or_else(|| framework.name.clone()))
                .set_version(framework.version.clone())
        });
    instance_of(run, spec)
        .set_framework(framework)
        .set_results(results)
        .with_test_results(test_results)
}

/// What both forms say of the instance itself.
fn instance_of(run: &Run, spec: &RunSpec) -> Instance {
    Instance::new()
        .set_claimed_at(spec.claimed_at)
        .set_group_id(spec.group_id.clone())
        .set_instance_id(spec.instance_id.clone())
        .set_machine_id(spec.machine_id.clone())
        .with_run_id(run.run_id.clone())
        .set_spec(spec.spec.clone())
}

fn instance_stats(spec: &RunSpec, tests: &[TestExecution]) -> InstanceResultsStats {
    let stats = spec
        .results
        .as_ref()
        .and_then(|results| results.stats.clone())
        .unwrap_or_default();
    let retries = tests
        .iter()
        .map(|test| test.attempts().len() - 1)
        .sum::<usize>();
    InstanceResultsStats::new()
        .set_failures(stats.failures)
        .with_flaky(tests.iter().filter(|test| test.flaky).count() as i64)
        .set_overall(stats.tests)
        .set_passes(stats.passes)
        .set_pending(stats.pending)
        .with_retries(retries as i64)
        .set_skipped(stats.skipped)
        .set_tests(stats.tests)
        .set_wall_clock_duration(stats.wall_clock_duration)
        .set_wall_clock_ended_at(stats.wall_clock_ended_at)
        .set_wall_clock_started_at(stats.wall_clock_started_at)
}

fn attempts(spec: &RunSpec, test: &TestExecution) -> Vec<InstanceTestAttempt> {
    let path = spec.spec.as_deref().unwrap_or_default();
    test.attempts()
        .into_iter()
        .enumerate()
        .map(|(index, attempt)| {
            InstanceTestAttempt::new()
                .with_attempt_id(format!("{}-{index}", test.test_id))
                .set_error(attempt.error.map(|message| {
                    InstanceTestError::new()
                        .with_stack(format!("{message}\n    at {path}:1:1"))
                        .with_message(message)
                }))
                .with_parallel_index(0)
                .with_state(attempt.state)
                .with_wall_clock_duration(attempt.duration_ms)
                .set_wall_clock_started_at(attempt.started_at)
                .with_worker_index(0)
        })
        .collect()
}

pub(crate) fn spec_files_page(
    app: &App,
    request: GetSpecFiles,
    fault: Option<PageFault>,
) -> Answer {
    let scope = scope_of!(request);
    let store = app.store();
    store.project_exists(&scope.project_id)?;
    let list = spec_files(
        scope.instances(store.runs().map(|stored| &stored.run)),
        request.spec_name_filter.as_deref(),
        request.include_failed_in_duration.unwrap_or(false),
        request.order.as_ref(),
        request.dir.as_ref(),
    );
    let page = numbered_page(
        list,
        request.page.unwrap_or(GetSpecFiles::PAGE_DEFAULT),
        page_size(request.limit, GetSpecFiles::LIMIT_DEFAULT),
        fault,
    );
    success(
        Operation::GetSpecFiles,
        SpecFilesResponse::new(
            SpecFilesResponseData::new()
                .with_list(page.items)
                .with_next_page(match page.next_page {
                    Some(next) => SpecFilesResponseDataNextPage::Integer(next),
                    None => SpecFilesResponseDataNextPage::Boolean(false),
                })
                .with_total(page.total as i64),
            ResponseStatus::Ok,
        ),
    )
}

pub(crate) fn tests_page(app: &App, request: GetTestsExplorer, fault: Option<PageFault>) -> Answer {
    let scope = scope_of!(request);
    let filter = TestFilter {
        spec: request.spec.as_deref(),
        title: request.title.as_deref(),
        min_executions: request.min_executions,
        states: &request.test_state,
    };
    let store = app.store();
    store.project_exists(&scope.project_id)?;
    let list = tests_explorer(
        scope.instances(store.runs().map(|stored| &stored.run)),
        &filter,
        request.order.as_ref(),
        request.dir.as_ref(),
    );
    let page = numbered_page(
        list,
        request.page.unwrap_or(GetTestsExplorer::PAGE_DEFAULT),
        page_size(request.limit, GetTestsExplorer::LIMIT_DEFAULT),
        fault,
    );
    success(
        Operation::GetTestsExplorer,
        TestsExplorerResponse::new(
            TestsExplorerResponseData::new()
                .with_count(page.items.len() as i64)
                .with_list(page.items)
                .with_next_page(match page.next_page {
                    Some(next) => TestsExplorerResponseDataNextPage::Integer(next),
                    None => TestsExplorerResponseDataNextPage::Boolean(false),
                })
                .with_total(page.total as i64),
            ResponseStatus::Ok,
        ),
    )
}

pub(crate) fn test_results(app: &App, request: GetTestResults, fault: Option<PageFault>) -> Answer {
    let store = app.store();
    let known = store.runs().any(|stored| {
        let run = &stored.run;
        run.specs.iter().any(|spec| {
            tests_of(run, spec)
                .iter()
                .any(|t| t.signature == request.signature)
        })
    });
    if !known {
        return Err(ApiError::not_found(
            "no test has the signature",
            &request.signature,
        ));
    }
    let mut found = Vec::new();
    for stored in store.runs() {
        let run = &stored.run;
        let commit = run.meta.as_ref().and_then(|meta| meta.commit.as_ref());
        let scope = Scope {
            project_id: run.project_id.clone(),
            from: request.date_start,
            to: request.date_end,
            tags: request.tags.clone(),
            branches: request.branches.clone(),
            authors: request.authors.clone(),
            groups: request.groups.clone(),
        };
        for (_, spec) in scope.instances(std::iter::once(run)) {
            for (index, test) in tests_of(run, spec).into_iter().enumerate() {
                if test.signature != request.signature
                    || !(request.status.is_empty() || request.status.contains(&test.state))
                    || request.flaky.is_some_and(|flaky| flaky != test.flaky)
                {
                    continue;
                }
                let instance_id = spec.instance_id.clone().unwrap_or_default();
                let place = Place::new(
                    run.created_at,
                    format!("{}:{instance_id}:{index}", run.run_id),
                );
                found.push((
                    place,
                    TestResult::new()
                        .with_attempts(vec![
                            TestResultAttemptsItem::new()
                                .with_attempt_id(format!("{}-0", test.test_id))
                                .with_duration(test.duration_ms)
                                .set_error(test.error.clone().map(|message| {
                                    TestResultAttemptsItemError::new()
                                        .with_location(serde_json::Map::new())
                                        .with_message(message)
                                }))
                                .set_started_at(test.started_at)
                                .with_state(test.state.to_string()),
                        ])
                        .set_commit(commit.map(|commit| {
                            TestResultCommit::new()
                                .set_author_email(commit.author_email.clone())
                                .set_author_name(commit.author_name.clone())
                                .set_branch(commit.branch.clone())
                                .set_message(commit.message.clone())
                                .set_sha(commit.sha.clone())
                        }))
                        .set_created_at(test.started_at.or(Some(run.created_at)))
                        .set_display_error(test.error.clone())
                        .with_duration(test.duration_ms)
                        .with_expected_status("passed")
                        .with_flaky(test.flaky)
                        .set_framework(
                            run.meta
                                .as_ref()
                                .and_then(|meta| meta.framework.as_ref())
                                .and_then(|framework| framework.name.clone()),
                        )
                        .set_group_id(spec.group_id.clone())
                        .set_instance_id(spec.instance_id.clone())
                        .set_machine_id(spec.machine_id.clone())
                        .with_project_id(run.project_id.clone())
                        .with_run_id(run.run_id.clone())
                        .with_signature(test.signature)
                        .set_spec(spec.spec.clone())
                        .with_status(test.state)
                        .with_tags(run.tags.clone())
                        .with_test_id(test.test_id.clone())
                        .with_title(test.title),
                ));
            }
        }
    }
    let query = CursorQuery {
        limit: page_size(request.limit, GetTestResults::LIMIT_DEFAULT),
        starting_after: request.starting_after.as_deref(),
        ending_before: request.ending_before.as_deref(),
    };
    let page = cursor_page(&Sorted::new(found), &query, fault)?;
    success(
        Operation::GetTestResults,
        TestResultsResponse::new(
            page.items
                .into_iter()
                .map(|(cursor, result)| result.with_cursor(cursor))
                .collect::<Vec<_>>(),
            page.has_more,
            ResponseStatus::Ok,
        ),
    )
}

pub(crate) fn test_signature(app: &App, request: GetTestSignature) -> Answer {
    let body = request.body;
    app.store().project_exists(&body.project_id)?;
    let title = match body.test_title {
        // A title given as one string is the path joined with " > ", as Currents documents.
        TestSignatureRequestTestTitle::String(title) => {
            title.split(" > ").map(str::to_owned).collect::<Vec<_>>()
        }
        TestSignatureRequestTestTitle::Array(titles) => titles,
    };
    success(
        Operation::GetTestSignature,
        TestSignatureResponse::new(
            TestSignatureResponseData::new().with_signature(signature(
                &body.project_id,
                &body.spec_file_path,
                &title,
            )),
            ResponseStatus::Ok,
        ),
    )
}
