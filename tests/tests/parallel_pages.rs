//! The parallel walker against the sequential one, on currents-fake: the same lists, paging
//! faults and runs added and deleted during the walk. A parallel walk yields the items a
//! sequential one does, in the same order, or stops with a typed `PagingError`; none is lost
//! and none comes twice, at a slice's edge (runs with equal times) or anywhere else.

use std::{cell::Cell, collections::BTreeSet};

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use currents::{Client, Error, PagingError, ProjectId, RetryPolicy, prelude::*};
use currents_fake::{FakeServer, Operation, PageFault, RunFixture};
use futures_util::StreamExt as _;
use integration_tests::{client_with, queue_page_faults, two_thread_runtime};
use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
        .single()
        .expect("a valid time")
}

fn project() -> ProjectId {
    "p".parse().expect("a valid project id")
}

fn cases() -> u32 {
    if std::env::var_os("RELIABILITY_FULL").is_some() {
        256
    } else {
        32
    }
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

fn page_fault() -> impl Strategy<Value = Option<PageFault>> {
    prop_oneof![
        6 => Just(None),
        1 => Just(Some(PageFault::LyingHasMore)),
        1 => Just(Some(PageFault::RepeatedCursor)),
        1 => (1usize..50).prop_map(|n| Some(PageFault::ShortPage(n))),
    ]
}

/// The times of `count` runs, newest last: gaps from none (runs with equal times) to hours,
/// in whole seconds, as the seed picks them, so that slice edges land on shared times.
fn times(count: usize, seed: u64) -> Vec<DateTime<Utc>> {
    const GAPS: [i64; 6] = [0, 0, 1, 7, 60, 5_400];
    let mut state = seed | 1;
    let mut at = base();
    (0..count)
        .map(|_| {
            // xorshift: a fixed walk per seed.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            at += Duration::seconds(GAPS[(state % GAPS.len() as u64) as usize]);
            at
        })
        .collect()
}

fn run_id(n: usize) -> String {
    format!("run-{n:05}")
}

/// A change to the list while it is walked, after the walk has yielded `after` items.
#[derive(Debug, Clone)]
enum Change {
    /// Delete the `n`th run.
    Delete(usize),
    /// Add a run at this many seconds after the oldest.
    Add(i64),
}

/// How a walk went: the runs it yielded, newest first, and how it ended.
struct Walked {
    runs: Vec<(DateTime<Utc>, String)>,
    outcome: Result<(), Error>,
    deleted: BTreeSet<String>,
    added: BTreeSet<String>,
}

#[allow(clippy::too_many_arguments)]
fn walk_runs(
    runtime: &tokio::runtime::Runtime,
    times: &[DateTime<Utc>],
    range: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    faults: &[Option<PageFault>],
    changes: &[(usize, Change)],
    concurrency: usize,
) -> (Walked, usize) {
    let fake = FakeServer::builder()
        .projects([currents::api::types::Project::new(base(), "P", "p")])
        .runs(times.iter().enumerate().map(|(n, at)| {
            RunFixture::new(run_id(n))
                .project("p")
                .created_at(*at)
                .build()
        }))
        .start();
    queue_page_faults(&fake, Operation::ListProjectRuns, faults);
    let client: Client = client_with(&fake, RetryPolicy::none());
    let mut query = client.projects().runs(&project()).concurrency(concurrency);
    if let Some(start) = range.0 {
        query = query.date_start(start);
    }
    if let Some(end) = range.1 {
        query = query.date_end(end);
    }
    let mut walked = Walked {
        runs: Vec::new(),
        outcome: Ok(()),
        deleted: BTreeSet::new(),
        added: BTreeSet::new(),
    };
    runtime.block_on(async {
        let mut stream = query.stream();
        loop {
            for (_, change) in changes
                .iter()
                .filter(|(after, _)| *after == walked.runs.len())
            {
                match change {
                    Change::Delete(n) => {
                        if fake.remove_run(&run_id(*n)) {
                            walked.deleted.insert(run_id(*n));
                        }
                    }
                    Change::Add(seconds) => {
                        let id = format!("added-{}-{seconds}", walked.added.len());
                        fake.insert(
                            RunFixture::new(id.clone())
                                .project("p")
                                .created_at(base() + Duration::seconds(*seconds))
                                .build(),
                        );
                        walked.added.insert(id);
                    }
                }
            }
            // A walk that stops making progress fails its case, rather than hanging the run.
            let next = tokio::time::timeout(std::time::Duration::from_secs(20), stream.next());
            match next.await.expect("the walk makes progress") {
                Some(Ok(run)) => walked.runs.push((
                    run.created_at.unwrap_or_default(),
                    run.run_id.clone().unwrap_or_default(),
                )),
                Some(Err(error)) => {
                    walked.outcome = Err(error);
                    break;
                }
                None => break,
            }
        }
    });
    let requests = fake.request_count(Operation::ListProjectRuns);
    (walked, requests)
}

/// What every walk of the runs must hold, parallel or not.
fn check_walk(
    walked: &Walked,
    times: &[DateTime<Utc>],
    range: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    faults: &[Option<PageFault>],
) -> Result<(), TestCaseError> {
    let ids = walked
        .runs
        .iter()
        .map(|(_, id)| id)
        .collect::<BTreeSet<_>>();
    prop_assert_eq!(ids.len(), walked.runs.len(), "a run came twice");
    prop_assert!(
        walked.runs.windows(2).all(|w| w[0].0 >= w[1].0),
        "not newest first"
    );
    let in_range = |at: &DateTime<Utc>| {
        range.0.is_none_or(|start| *at >= start) && range.1.is_none_or(|end| *at <= end)
    };
    for (at, id) in &walked.runs {
        prop_assert!(in_range(at), "{id} at {at} is outside the range");
        prop_assert!(
            id.starts_with("run-") || walked.added.contains(id),
            "{id} never existed"
        );
    }
    match &walked.outcome {
        Ok(()) => {
            // Every run that was there from start to end came.
            for (n, at) in times.iter().enumerate() {
                let id = run_id(n);
                if in_range(at) && !walked.deleted.contains(&id) {
                    prop_assert!(ids.contains(&id), "{} at {} was lost", id, at);
                }
            }
        }
        Err(Error::Paging { problem, .. }) => {
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
    Ok(())
}

fn change() -> impl Strategy<Value = (usize, Change)> {
    (
        0usize..1_500,
        prop_oneof![
            (0usize..1_500).prop_map(Change::Delete),
            (0i64..400_000).prop_map(Change::Add),
        ],
    )
}

#[test]
fn a_project_s_runs_walked_in_time_slices_are_the_sequential_walk() {
    let runtime = two_thread_runtime();
    let strategy = (
        0usize..1_500,
        any::<u64>(),
        2usize..16,
        prop::option::of((0i64..200_000, 0i64..400_000)),
        prop::collection::vec(page_fault(), 0..6),
        prop::collection::vec(change(), 0..6),
    );
    let (walks, cut, errors) = (Cell::new(0), Cell::new(0), Cell::new(0));
    runner()
        .run(
            &strategy,
            |(count, seed, concurrency, range, faults, changes)| {
                let times = times(count, seed);
                let range = range.map_or((None, None), |(start, length)| {
                    let start = base() + Duration::seconds(start);
                    (Some(start), Some(start + Duration::seconds(length)))
                });
                let (sequential, _) = walk_runs(&runtime, &times, range, &faults, &changes, 1);
                let (parallel, requests) =
                    walk_runs(&runtime, &times, range, &faults, &changes, concurrency);
                check_walk(&sequential, &times, range, &faults)?;
                check_walk(&parallel, &times, range, &faults)?;
                if faults.is_empty() && changes.is_empty() {
                    prop_assert!(sequential.outcome.is_ok() && parallel.outcome.is_ok());
                    prop_assert_eq!(&parallel.runs, &sequential.runs, "not the same walk");
                } else if sequential.outcome.is_ok() && parallel.outcome.is_ok() {
                    // The runs that stayed came in the same order in both.
                    let stayed = |walked: &Walked| {
                        walked
                            .runs
                            .iter()
                            .filter(|(_, id)| {
                                !sequential.deleted.contains(id)
                                    && !parallel.deleted.contains(id)
                                    && id.starts_with("run-")
                            })
                            .cloned()
                            .collect::<Vec<_>>()
                    };
                    prop_assert_eq!(stayed(&parallel), stayed(&sequential));
                }
                if parallel.outcome.is_err() {
                    errors.set(errors.get() + 1);
                }
                if requests > count / 50 + 1 {
                    cut.set(cut.get() + 1);
                }
                walks.set(walks.get() + 1);
                Ok(())
            },
        )
        .expect("a parallel walk is the sequential walk, or stops with a typed error");
    println!(
        "FIGURE time-sliced walks: {} pairs of walks, {} cut into slices, {} stopped with a PagingError, 0 lost, 0 doubled, 0 out of order",
        walks.get(),
        cut.get(),
        errors.get()
    );
}

/// How a page-number walk went: the spec files it yielded, in order, and how it ended.
fn walk_spec_files(
    runtime: &tokio::runtime::Runtime,
    specs: (usize, usize),
    faults: &[Option<PageFault>],
    change: Option<(usize, bool)>,
    concurrency: usize,
) -> (Vec<String>, Result<(), Error>, Vec<String>) {
    // Run `a` holds specs 0..first and run `b` specs 0..second: deleting `b` takes the spec
    // files only it has, and adding `c` brings one more than either.
    let run = |id: &str, count: usize| {
        (0..count)
            .fold(RunFixture::new(id).project("p"), |run, _| run.spec("m", 0))
            .created_at(base())
            .build()
    };
    let fake = FakeServer::builder()
        .runs([run("a", specs.0), run("b", specs.1)])
        .start();
    let client = client_with(&fake, RetryPolicy::none());
    let range = base() - Duration::days(1)..base() + Duration::days(1);
    runtime.block_on(async {
        let before = client
            .projects()
            .spec_files(&project(), range.clone())
            .concurrency(1)
            .stream()
            .map(|item| item.map(|item| item.spec.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .expect("the list before any change");
        // The faults are for the walk, not for the look at the list before it.
        queue_page_faults(&fake, Operation::GetSpecFiles, faults);
        let mut stream = client
            .projects()
            .spec_files(&project(), range.clone())
            .concurrency(concurrency)
            .stream();
        let mut items = Vec::new();
        let outcome = loop {
            if let Some((after, delete)) = change
                && after == items.len()
            {
                if delete {
                    fake.remove_run("b");
                } else {
                    fake.insert(run("c", specs.0.max(specs.1) + 1));
                }
            }
            match stream.next().await {
                Some(Ok(item)) => items.push(item.spec.clone().unwrap_or_default()),
                Some(Err(error)) => break Err(error),
                None => break Ok(()),
            }
        };
        (items, outcome, before)
    })
}

#[test]
fn page_number_lists_walked_in_parallel_are_the_sequential_walk() {
    let runtime = two_thread_runtime();
    let strategy = (
        (0usize..400, 0usize..400),
        prop::collection::vec(page_fault(), 0..5),
        prop::option::of((1usize..400, any::<bool>())),
        2usize..16,
    );
    let (walks, errors) = (Cell::new(0), Cell::new(0));
    runner()
        .run(&strategy, |(specs, faults, change, concurrency)| {
            // A deletion that takes no spec file away changes nothing to see.
            let change = change.filter(|(_, delete)| !delete || specs.1 > specs.0);
            for concurrency in [1, concurrency] {
                let (items, outcome, before) =
                    walk_spec_files(&runtime, specs, &faults, change, concurrency);
                let unique = items.iter().collect::<BTreeSet<_>>();
                prop_assert_eq!(unique.len(), items.len(), "an item came twice");
                match outcome {
                    // A whole walk is the list as it was before the change.
                    Ok(()) => prop_assert_eq!(&items, &before, "at concurrency {}", concurrency),
                    Err(Error::Paging { problem, .. }) => {
                        errors.set(errors.get() + 1);
                        prop_assert!(
                            matches!(
                                problem,
                                PagingError::PageWentBackwards { .. }
                                    | PagingError::ShortPage { .. }
                                    | PagingError::ListChanged { .. }
                            ),
                            "{problem:?}"
                        );
                        // What came before the error is the list's start, as it was.
                        prop_assert_eq!(&items[..], &before[..items.len().min(before.len())]);
                    }
                    Err(other) => prop_assert!(false, "unexpected error: {other}"),
                }
                walks.set(walks.get() + 1);
            }
            Ok(())
        })
        .expect("a parallel walk is the sequential walk, or stops with a typed error");
    println!(
        "FIGURE page-number walks in parallel: {} walks, {} stopped with a PagingError, 0 lost, 0 doubled",
        walks.get(),
        errors.get()
    );
}
