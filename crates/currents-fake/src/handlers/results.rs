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
        InstanceResponse {
            status: ResponseStatus::Ok,
            data,
        },
    )
}

/// The instance as the docs describe it: each test with its state, error and attempts.
fn documented_instance(run: &Run, spec: &RunSpec, tests: &[TestExecution]) -> Instance {
    let results = spec.results.as_ref().map(|results| InstanceResults {
        exception: results.exception.clone(),
        flaky: results.flaky,
        stats: Some(instance_stats(spec, tests)),
        tests: tests
            .iter()
            .map(|test| InstanceTest {
                attempts: attempts(spec, test),
                display_error: test.error.clone(),
                state: Some(test.state.clone()),
                test_id: Some(test.test_id.clone()),
                title: test.title.clone(),
                ..InstanceTest::default()
            })
            .collect(),
        ..InstanceResults::default()
    });
    Instance {
        completed_at: spec.completed_at,
        results,
        ..instance_of(run, spec)
    }
}

/// The instance as production answers it: each test in the compact form (`_s`, `_f`), its
/// detail in `testResults`, and no `completedAt`, `exception` or `flaky`.
fn production_instance(run: &Run, spec: &RunSpec, tests: &[TestExecution]) -> Instance {
    let results = spec.results.as_ref().map(|_| InstanceResults {
        stats: Some(instance_stats(spec, tests)),
        tests: tests
            .iter()
            .map(|test| InstanceTest {
                s: Some(test.state.clone()),
                f: Some(test.flaky),
                test_id: Some(test.test_id.clone()),
                group_id: spec.group_id.clone(),
                spec: spec.spec.clone(),
                title: test.title.clone(),
                original_title: test.title.clone(),
                start_time: test.started_at,
                end_time: test.ended_at(),
                duration: Some(test.duration_ms),
                ..InstanceTest::default()
            })
            .collect(),
        ..InstanceResults::default()
    });
    let test_results = tests
        .iter()
        .map(|test| {
            let result = InstanceTestResult {
                state: Some(test.state.clone()),
                is_flaky: Some(test.flaky),
                display_error: test.error.clone(),
                duration: Some(test.duration_ms),
                start_time: test.started_at,
                end_time: test.ended_at(),
                record_id: Some(format!("{}-record", test.test_id)),
                attempts: attempts(spec, test),
            };
            (test.test_id.clone(), result)
        })
        .collect();
    let framework = run
        .meta
        .as_ref()
        .and_then(|meta| meta.framework.as_ref())
        .map(|framework| InstanceFramework {
            type_: framework.type_.clone().or_else(|| framework.name.clone()),
            version: framework.version.clone(),
            client_version: framework.client_version.clone(),
        });
    Instance {
        results,
        test_results,
        framework,
        ..instance_of(run, spec)
    }
}

/// What both forms say of the instance itself.
fn instance_of(run: &Run, spec: &RunSpec) -> Instance {
    Instance {
        instance_id: spec.instance_id.clone(),
        run_id: Some(run.run_id.clone()),
        group_id: spec.group_id.clone(),
        spec: spec.spec.clone(),
        machine_id: spec.machine_id.clone(),
        claimed_at: spec.claimed_at,
        ..Instance::default()
    }
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
    InstanceResultsStats {
        tests: stats.tests,
        passes: stats.passes,
        failures: stats.failures,
        pending: stats.pending,
        skipped: stats.skipped,
        overall: stats.tests,
        flaky: Some(tests.iter().filter(|test| test.flaky).count() as i64),
        retries: Some(retries as i64),
        wall_clock_started_at: stats.wall_clock_started_at,
        wall_clock_ended_at: stats.wall_clock_ended_at,
        wall_clock_duration: stats.wall_clock_duration,
    }
}

fn attempts(spec: &RunSpec, test: &TestExecution) -> Vec<InstanceTestAttempt> {
    let path = spec.spec.as_deref().unwrap_or_default();
    test.attempts()
        .into_iter()
        .enumerate()
        .map(|(index, attempt)| InstanceTestAttempt {
            attempt_id: Some(format!("{}-{index}", test.test_id)),
            state: Some(attempt.state),
            raw_status: None,
            worker_index: Some(0),
            parallel_index: Some(0),
            wall_clock_started_at: attempt.started_at,
            wall_clock_duration: Some(attempt.duration_ms),
            video_timestamp: None,
            error: attempt.error.map(|message| InstanceTestError {
                stack: Some(format!("{message}\n    at {path}:1:1")),
                message: Some(message),
                ..InstanceTestError::default()
            }),
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
        SpecFilesResponse {
            status: ResponseStatus::Ok,
            data: SpecFilesResponseData {
                list: page.items,
                total: Some(page.total as i64),
                next_page: Some(match page.next_page {
                    Some(next) => SpecFilesResponseDataNextPage::Integer(next),
                    None => SpecFilesResponseDataNextPage::Boolean(false),
                }),
            },
        },
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
        TestsExplorerResponse {
            status: ResponseStatus::Ok,
            data: TestsExplorerResponseData {
                count: Some(page.items.len() as i64),
                list: page.items,
                total: Some(page.total as i64),
                next_page: Some(match page.next_page {
                    Some(next) => TestsExplorerResponseDataNextPage::Integer(next),
                    None => TestsExplorerResponseDataNextPage::Boolean(false),
                }),
            },
        },
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
                    TestResult {
                        cursor: None,
                        signature: Some(test.signature),
                        framework: run
                            .meta
                            .as_ref()
                            .and_then(|meta| meta.framework.as_ref())
                            .and_then(|framework| framework.name.clone()),
                        created_at: test.started_at.or(Some(run.created_at)),
                        project_id: Some(run.project_id.clone()),
                        group_id: spec.group_id.clone(),
                        run_id: Some(run.run_id.clone()),
                        instance_id: spec.instance_id.clone(),
                        spec: spec.spec.clone(),
                        machine_id: spec.machine_id.clone(),
                        tags: run.tags.clone(),
                        title: test.title,
                        test_id: Some(test.test_id.clone()),
                        display_error: test.error.clone(),
                        commit: commit.map(|commit| TestResultCommit {
                            branch: commit.branch.clone(),
                            author_email: commit.author_email.clone(),
                            author_name: commit.author_name.clone(),
                            sha: commit.sha.clone(),
                            message: commit.message.clone(),
                        }),
                        duration: Some(test.duration_ms),
                        flaky: Some(test.flaky),
                        expected_status: Some("passed".into()),
                        attempts: vec![TestResultAttemptsItem {
                            attempt_id: Some(format!("{}-0", test.test_id)),
                            state: Some(test.state.to_string()),
                            error: test.error.map(|message| TestResultAttemptsItemError {
                                message: Some(message),
                                stack: None,
                                location: serde_json::Map::new(),
                            }),
                            started_at: test.started_at,
                            duration: Some(test.duration_ms),
                        }],
                        annotations: None,
                        status: Some(test.state),
                    },
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
        TestResultsResponse {
            status: ResponseStatus::Ok,
            has_more: page.has_more,
            data: page
                .items
                .into_iter()
                .map(|(cursor, result)| TestResult {
                    cursor: Some(cursor),
                    ..result
                })
                .collect(),
        },
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
        TestSignatureResponse {
            status: ResponseStatus::Ok,
            data: TestSignatureResponseData {
                signature: Some(signature(&body.project_id, &body.spec_file_path, &title)),
            },
        },
    )
}
