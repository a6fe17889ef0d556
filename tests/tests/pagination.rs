//! The sequential walker (`concurrency(1)`) against currents-fake: random list lengths and
//! item limits, deletions during a walk, and every paging fault the fake can inject. No item
//! may be lost or doubled, and no walk may run on; a list that cannot be walked safely stops
//! with a typed `PagingError`. The parallel walker is held to the same in `parallel_pages.rs`.

use std::{cell::Cell, collections::BTreeSet};

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use currents::{
    Client, Error, Items, PagingError, ProjectId, RetryPolicy, api::types::RunFeedItem,
};
use currents_fake::{FakeServer, Fault, Operation, PageFault, RunFixture};
use futures_util::{StreamExt as _, TryStreamExt as _};
use integration_tests::{client_with, queue_page_faults, two_thread_runtime};
use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("a valid time")
}

fn project() -> ProjectId {
    "p".parse().expect("a valid project id")
}

/// `count` runs of project `p`, a minute apart, `run-00000` the oldest.
fn runs(count: usize) -> Vec<currents_fake::FakeRun> {
    (0..count)
        .map(|n| {
            RunFixture::new(format!("run-{n:05}"))
                .project("p")
                .created_at(base() + Duration::minutes(n as i64))
                .build()
        })
        .collect()
}

/// Project `p`, which exists even when it has no runs.
fn project_p() -> currents::api::types::Project {
    currents::api::types::Project::new(base(), "P", "p")
}

fn cases() -> u32 {
    if std::env::var_os("RELIABILITY_FULL").is_some() {
        512
    } else {
        48
    }
}

fn page_fault() -> impl Strategy<Value = Option<PageFault>> {
    prop_oneof![
        4 => Just(None),
        1 => Just(Some(PageFault::LyingHasMore)),
        1 => Just(Some(PageFault::RepeatedCursor)),
        // An empty page ends a walk by definition, so a short page holds at least one item.
        1 => (1usize..50).prop_map(|n| Some(PageFault::ShortPage(n))),
    ]
}

fn client(fake: &FakeServer) -> Client {
    client_with(fake, RetryPolicy::none())
}

#[test]
fn a_project_s_runs_are_walked_whole_through_faults_and_deletions() {
    let runtime = two_thread_runtime();
    let strategy = (
        0usize..230,
        prop::option::of(1usize..300),
        prop::collection::vec(page_fault(), 0..8),
        prop::collection::vec((0usize..6, 0usize..230), 0..12),
    );
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    // The runner takes an `Fn`, so the tallies live in cells.
    let (walks, errors, deleted_total) = (Cell::new(0), Cell::new(0), Cell::new(0));
    runner
        .run(&strategy, |(count, limit, faults, deletions)| {
            let fake = FakeServer::builder()
                .projects([project_p()])
                .runs(runs(count))
                .start();
            queue_page_faults(&fake, Operation::ListProjectRuns, &faults);
            let client = client(&fake);
            let mut query = client.projects().runs(&project()).concurrency(1);
            if let Some(limit) = limit {
                query = query.limit(limit);
            }
            let mut pages = query.pages();
            let (mut seen, mut order, mut deleted) = (Vec::new(), Vec::new(), BTreeSet::new());
            let mut outcome = Ok(());
            let mut index = 0;
            runtime.block_on(async {
                while let Some(page) = pages.next().await {
                    match page {
                        Ok(page) => {
                            for item in &page.items {
                                seen.push(item.run_id.clone().unwrap_or_default());
                                order.push(item.created_at);
                            }
                        }
                        Err(error) => {
                            outcome = Err(error);
                            break;
                        }
                    }
                    // Deletions while the walk is between pages (the next page may already be
                    // on its way).
                    for (_, run) in deletions.iter().filter(|(after, _)| *after == index) {
                        let id = format!("run-{run:05}");
                        if fake.remove_run(&id) {
                            deleted.insert(id);
                        }
                    }
                    index += 1;
                }
            });
            let unique = seen.iter().collect::<BTreeSet<_>>();
            prop_assert_eq!(unique.len(), seen.len(), "an item came twice: {:?}", seen);
            prop_assert!(order.windows(2).all(|w| w[0] >= w[1]), "not newest first");
            let requests = fake.request_count(Operation::ListProjectRuns);
            prop_assert!(
                requests <= count / 50 + faults.len() + 3,
                "{} requests",
                requests
            );
            match outcome {
                Ok(()) => {
                    let expected = (0..count)
                        .map(|n| format!("run-{n:05}"))
                        .filter(|id| !deleted.contains(id))
                        .count();
                    let kept = seen.iter().filter(|id| !deleted.contains(*id)).count();
                    match limit {
                        // Every run that was never deleted came, once.
                        None => prop_assert_eq!(kept, expected),
                        Some(limit) => prop_assert!(seen.len() <= limit),
                    }
                }
                Err(Error::Paging { problem, .. }) => {
                    errors.set(errors.get() + 1);
                    // Only a repeated cursor makes a cursor list unsafe to walk on.
                    prop_assert!(
                        faults.contains(&Some(PageFault::RepeatedCursor)),
                        "{problem:?} without a repeated cursor"
                    );
                    prop_assert!(
                        matches!(
                            problem,
                            PagingError::RepeatedCursor { .. } | PagingError::DuplicateItem { .. }
                        ),
                        "{problem:?}"
                    );
                }
                Err(other) => prop_assert!(false, "unexpected error: {other}"),
            }
            walks.set(walks.get() + 1);
            deleted_total.set(deleted_total.get() + deleted.len());
            Ok(())
        })
        .expect("every walk is whole, or stops with a typed error");
    println!(
        "FIGURE cursor walks: {} walks, {} runs deleted mid-walk, {} stopped with a PagingError, 0 lost, 0 doubled",
        walks.get(),
        deleted_total.get(),
        errors.get()
    );
}

#[test]
fn spec_files_are_walked_by_page_number_or_refused_when_pages_do_not_add_up() {
    let runtime = two_thread_runtime();
    let strategy = (0usize..160, prop::collection::vec(page_fault(), 0..5));
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let (walks, errors) = (Cell::new(0), Cell::new(0));
    runner
        .run(&strategy, |(count, faults)| {
            // One run with `count` specs gives `count` spec files.
            let run = (0..count).fold(RunFixture::new("r").project("p"), |run, _| run.spec("m", 0));
            let fake = FakeServer::builder().runs([run.build()]).start();
            queue_page_faults(&fake, Operation::GetSpecFiles, &faults);
            let client = client(&fake);
            let range = base() - Duration::days(1)..base() + Duration::days(1);
            let walked = runtime.block_on(async {
                let mut items = Vec::new();
                let mut stream = client
                    .projects()
                    .spec_files(&project(), range)
                    .concurrency(1)
                    .stream();
                while let Some(item) = stream.next().await {
                    match item {
                        Ok(item) => items.push(item.spec.clone().unwrap_or_default()),
                        Err(error) => return (items, Err(error)),
                    }
                }
                (items, Ok(()))
            });
            let (items, outcome) = walked;
            let unique = items.iter().collect::<BTreeSet<_>>();
            prop_assert_eq!(unique.len(), items.len(), "an item came twice");
            let requests = fake.request_count(Operation::GetSpecFiles);
            prop_assert!(
                requests <= count / 50 + faults.len() + 3,
                "{} requests",
                requests
            );
            match outcome {
                Ok(()) => prop_assert_eq!(items.len(), count, "an item was lost"),
                Err(Error::Paging { problem, .. }) => {
                    errors.set(errors.get() + 1);
                    prop_assert!(
                        matches!(
                            problem,
                            PagingError::PageWentBackwards { .. } | PagingError::ShortPage { .. }
                        ),
                        "{problem:?}"
                    );
                }
                Err(other) => prop_assert!(false, "unexpected error: {other}"),
            }
            walks.set(walks.get() + 1);
            Ok(())
        })
        .expect("every walk is whole, or stops with a typed error");
    println!(
        "FIGURE page-number walks: {} walks, {} stopped with a PagingError, 0 lost, 0 doubled",
        walks.get(),
        errors.get()
    );
}

/// The bound holds for both walks: one page after another reads its two pages whole; a walk in
/// time slices reads two pages too, and yields what of them comes in order before the gap.
/// The run ids a walk yields before its first error, and that error (`None` if it ended).
async fn ids_until_error(mut stream: Items<RunFeedItem>) -> (Vec<String>, Option<Error>) {
    let mut seen = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(run) => seen.push(run.run_id.clone().unwrap_or_default()),
            Err(error) => return (seen, Some(error)),
        }
    }
    (seen, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_bound_stops_a_walk_that_would_go_on() {
    // (concurrency, the fewest items before the error)
    for (concurrency, fewest) in [(1, 100), (8, 50)] {
        let fake = FakeServer::builder().runs(runs(150)).start();
        let client = client(&fake);
        let stream = client
            .projects()
            .runs(&project())
            .max_pages(2)
            .concurrency(concurrency)
            .stream();
        let (seen, error) = ids_until_error(stream).await;
        let error = error.expect("the walk ended without reaching the bound");
        assert!(
            (fewest..=100).contains(&seen.len()),
            "{} items at concurrency {concurrency}",
            seen.len()
        );
        // What came is the list's start, newest first.
        let expected = (0..150)
            .rev()
            .take(seen.len())
            .map(|n| format!("run-{n:05}"))
            .collect::<Vec<_>>();
        assert_eq!(seen, expected);
        assert!(
            matches!(
                error,
                Error::Paging {
                    problem: PagingError::PageLimit { pages: 2 },
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "listProjectRuns: paging stopped: 2 pages were read and the list says there is more"
        );
        assert_eq!(fake.request_count(Operation::ListProjectRuns), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_page_is_retried_without_restarting_the_walk() {
    let fake = FakeServer::builder().runs(runs(120)).start();
    let client = client_with(
        &fake,
        RetryPolicy::default().with_base_delay(std::time::Duration::from_millis(1)),
    );
    // The second page fails once with 503, then answers.
    fake.push_fault(
        Operation::ListProjectRuns,
        Fault::Delay(std::time::Duration::ZERO),
    );
    fake.push_fault(
        Operation::ListProjectRuns,
        Fault::Status {
            status: 503,
            retry_after: None,
        },
    );
    let items = client
        .projects()
        .runs(&project())
        .concurrency(1)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("the walk survives one failed page");
    assert_eq!(items.len(), 120);
    let requests = fake.requests();
    let starts = requests
        .iter()
        .filter(|r| r.operation == Some(Operation::ListProjectRuns))
        .map(|r| {
            r.query_pairs()
                .into_iter()
                .find(|(k, _)| k == "starting_after")
                .map(|(_, v)| v)
        })
        .collect::<Vec<_>>();
    // First page, then the second page twice (the failure and its retry), then the third.
    assert_eq!(starts.len(), 4, "{starts:?}");
    assert_eq!(starts[0], None);
    assert_eq!(starts[1], starts[2]);
    assert!(starts[1].is_some() && starts[3].is_some() && starts[3] != starts[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_ask_for_the_largest_size_and_take_stops_early() {
    let fake = FakeServer::builder().runs(runs(130)).start();
    let client = client(&fake);
    let first = client
        .projects()
        .runs(&project())
        .stream()
        .take(3)
        .try_collect::<Vec<_>>()
        .await
        .expect("three runs");
    assert_eq!(
        first
            .iter()
            .map(|r| r.run_id.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["run-00129", "run-00128", "run-00127"]
    );
    let limits = fake
        .requests()
        .iter()
        .flat_map(|r| r.query_pairs())
        .filter(|(k, _)| k == "limit")
        .map(|(_, v)| v)
        .collect::<BTreeSet<_>>();
    assert_eq!(limits, BTreeSet::from(["50".to_owned()]));
    // With a limit of 7, one page of 7 is asked for, and nothing more. (The walk above may
    // have asked for its second page before it was dropped.)
    let seven = client
        .projects()
        .runs(&project())
        .limit(7)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("seven runs");
    assert_eq!(seven.len(), 7);
    let sevens = fake
        .requests()
        .iter()
        .filter(|r| {
            r.query_pairs()
                .contains(&("limit".to_owned(), "7".to_owned()))
        })
        .count();
    assert_eq!(sevens, 1);
    let all = fake.request_count(Operation::ListProjectRuns);
    assert!(
        all <= 3,
        "{all} requests: the first walk's page (and its prefetch), then one"
    );
}

/// Found by the full run of the proptest above: after a last page of one run that said there
/// was more, a repeated cursor answered the 50 runs that end at that run. Cut to the one item
/// still wanted, the page looked new; checked whole, it repeats the last page's run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_goes_back_is_refused_even_past_the_items_still_wanted() {
    let fake = FakeServer::builder().runs(runs(201)).start();
    let faults = [
        None,
        None,
        None,
        None,
        Some(PageFault::LyingHasMore),
        Some(PageFault::RepeatedCursor),
    ];
    queue_page_faults(&fake, Operation::ListProjectRuns, &faults);
    let client = client(&fake);
    let stream = client
        .projects()
        .runs(&project())
        .limit(202)
        .concurrency(1)
        .stream();
    let (seen, error) = ids_until_error(stream).await;
    let error = error.expect("the walk ended without noticing the page that went back");
    assert_eq!(seen.len(), 201, "every run once");
    assert!(
        matches!(
            error,
            Error::Paging {
                problem: PagingError::DuplicateItem { .. },
                ..
            }
        ),
        "{error:?}"
    );
}
