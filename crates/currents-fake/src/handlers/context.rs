//! getContext: the failure context of a run, an instance or a test, as JSON or as Markdown,
//! derived from the same failed tests that getInstance and the explorers show.

use axum::{
    http::{HeaderMap, header},
    response::IntoResponse,
};
use currents_api::{
    operations::{GetContext, Operation},
    types::{ContextDetail, ContextFormat, Run, RunSpec},
};
use serde_json::{Value, json};

use super::{page_size, success};
use crate::{
    ApiError,
    derived::executions::{TestExecution, tests_of},
    paging::numbered_page,
    routes::Answer,
    server::App,
    store::Store,
};

/// Which failed tests a request asks about.
enum Level<'a> {
    Run(&'a Run),
    Instance(&'a Run, &'a RunSpec),
    Test(&'a Run, &'a RunSpec, TestExecution),
}

fn instance<'s>(store: &'s Store, instance_id: &str) -> Result<(&'s Run, &'s RunSpec), ApiError> {
    store
        .runs()
        .find_map(|stored| {
            let run = &stored.run;
            run.specs
                .iter()
                .find(|spec| spec.instance_id.as_deref() == Some(instance_id))
                .map(|spec| (run, spec))
        })
        .ok_or_else(|| ApiError::not_found("instance not found", instance_id))
}

/// The level the ids name, as the docs define it; any other combination is refused.
fn level<'s>(store: &'s Store, request: &GetContext) -> Result<Level<'s>, ApiError> {
    match (&request.run_id, &request.instance_id, &request.test_id) {
        // The run is resolved from the instance; a run_id beside them is ignored.
        (_, Some(instance_id), Some(test_id)) => {
            let (run, spec) = instance(store, instance_id)?;
            let test = tests_of(run, spec)
                .into_iter()
                .find(|test| test.test_id == *test_id)
                .ok_or_else(|| ApiError::not_found("test not found in instance", test_id))?;
            Ok(Level::Test(run, spec, test))
        }
        (Some(run_id), Some(instance_id), None) => {
            let (run, spec) = instance(store, instance_id)?;
            if run.run_id != *run_id {
                return Err(ApiError::not_found(
                    "instance not found in run",
                    instance_id,
                ));
            }
            Ok(Level::Instance(run, spec))
        }
        (Some(run_id), None, None) => Ok(Level::Run(&store.get(run_id)?.run)),
        _ => Err(ApiError::bad_request(
            "give run_id (a run), run_id and instance_id (an instance), or instance_id and \
             test_id (a test)",
        )),
    }
}

fn test_json(run: &Run, spec: &RunSpec, test: &TestExecution, detail: &ContextDetail) -> Value {
    let attempts = test.attempts();
    let mut value = json!({
        "testId": test.test_id,
        "instanceId": spec.instance_id,
        "spec": spec.spec,
        "title": test.title,
        "status": test.state.to_string(),
        "attempt": attempts.len().saturating_sub(1),
        "totalAttempts": attempts.len(),
        "duration": test.duration_ms,
        "error": test.error.as_ref().map(|message| json!({ "message": message })),
        "errorContext": Value::Null,
        "meta": { "projectId": run.project_id, "runId": run.run_id, "signature": test.signature },
    });
    if *detail == ContextDetail::Default {
        value["otherAttempts"] = attempts
            .iter()
            .enumerate()
            .map(|(attempt, a)| json!({ "attempt": attempt, "status": a.state.to_string(), "error": a.error }))
            .collect();
    }
    value
}

fn markdown_of(title: &str, tests: &[(&Run, &RunSpec, TestExecution)]) -> String {
    let mut text = format!("# Failure context: {title}\n");
    if tests.is_empty() {
        text.push_str("\nNo failed tests.\n");
    }
    for (_, spec, test) in tests {
        text.push_str(&format!(
            "\n## {}\n\n- spec: `{}`\n- test id: `{}`\n- status: {}\n",
            test.title.join(" > "),
            spec.spec.as_deref().unwrap_or_default(),
            test.test_id,
            test.state
        ));
        if let Some(error) = &test.error {
            text.push_str(&format!("\n```text\n{error}\n```\n"));
        }
    }
    text
}

pub(crate) fn context(app: &App, headers: &HeaderMap, request: GetContext) -> Answer {
    let store = app.store();
    let detail = request.detail.clone().unwrap_or(ContextDetail::Default);
    let level = level(&store, &request)?;
    let failed = |run: &'_ Run, spec: &'_ RunSpec| {
        tests_of(run, spec)
            .into_iter()
            .filter(|test| test.error.is_some())
            .collect::<Vec<_>>()
    };
    let (name, title, tests, paged) = match level {
        Level::Test(run, spec, test) => (
            "test",
            format!("test {}", test.title.join(" > ")),
            vec![(run, spec, test)],
            None,
        ),
        Level::Instance(run, spec) => {
            let tests = failed(run, spec)
                .into_iter()
                .map(|t| (run, spec, t))
                .collect();
            (
                "instance",
                format!(
                    "instance {}",
                    spec.instance_id.as_deref().unwrap_or_default()
                ),
                tests,
                Some(()),
            )
        }
        Level::Run(run) => {
            let tests = run
                .specs
                .iter()
                .flat_map(|spec| failed(run, spec).into_iter().map(move |t| (run, spec, t)))
                .collect();
            ("run", format!("run {}", run.run_id), tests, Some(()))
        }
    };
    let (tests, total, next) = match paged {
        Some(()) => {
            let page = numbered_page(
                tests,
                request.page.unwrap_or(GetContext::PAGE_DEFAULT),
                page_size(request.limit, GetContext::LIMIT_DEFAULT),
                None,
            );
            (page.items, page.total, page.next_page)
        }
        None => {
            let total = tests.len();
            (tests, total, None)
        }
    };
    let markdown = match &request.format {
        Some(ContextFormat::Md) => true,
        Some(_) => false,
        None => headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.trim_start().starts_with("text/markdown")),
    };
    if markdown {
        let mut text = markdown_of(&title, &tests);
        if let Some(max) = request.max_length.and_then(|max| usize::try_from(max).ok()) {
            text = text.chars().take(max).collect();
        }
        return Ok((
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            text,
        )
            .into_response());
    }
    let mut data = json!({ "level": name });
    match name {
        "test" => {
            let (run, spec, test) = &tests[0];
            let test = test_json(run, spec, test, &detail);
            data.as_object_mut()
                .expect("an object")
                .extend(test.as_object().cloned().unwrap_or_default());
        }
        _ => {
            data["list"] = tests
                .iter()
                .map(|(run, spec, test)| test_json(run, spec, test, &detail))
                .collect();
            data["total"] = json!(total);
            data["nextPage"] = next.map_or(json!(false), |n| json!(n));
        }
    }
    success(
        Operation::GetContext,
        json!({ "status": "OK", "data": data }),
    )
}
