//! The errors explorer: the failed tests of a project's runs in a date range, grouped by their
//! errors, with how often each occurred, on how many tests and branches, and by day.

use std::collections::{BTreeMap, BTreeSet};

use currents_api::{
    operations::{GetErrorsExplorer, Operation},
    types::{
        ErrorDimension, ErrorMetric, ErrorOrder, ErrorsExplorerItem, ErrorsExplorerItemDetails,
        ErrorsExplorerItemDetailsBranches, ErrorsExplorerItemDetailsTests, ErrorsExplorerResponse,
        ErrorsExplorerResponseData, ErrorsExplorerResponseDataNextPage,
        ErrorsExplorerTimelineBucket, ResponseStatus, SortDirection, TagMatch,
    },
};

use super::{next_page, page_size, success};
use crate::{
    derived::{executions::tests_of, metrics::Scope},
    paging::{PageFault, numbered_page},
    routes::Answer,
    server::App,
};

/// One failed test's error, in the dimensions the explorer groups by.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
struct ErrorKey {
    message: Option<String>,
    category: Option<String>,
    action: Option<String>,
    target: Option<String>,
}

/// How often a group of errors occurred.
#[derive(Debug, Default)]
struct Tally {
    count: i64,
    tests: BTreeSet<String>,
    branches: BTreeSet<String>,
}

impl Tally {
    fn add(&mut self, signature: &str, branch: Option<&str>) {
        self.count += 1;
        self.tests.insert(signature.to_owned());
        if let Some(branch) = branch {
            self.branches.insert(branch.to_owned());
        }
    }

    fn metric(&self, metric: &ErrorMetric) -> i64 {
        match metric {
            ErrorMetric::Test => self.tests.len() as i64,
            ErrorMetric::Branch => self.branches.len() as i64,
            _ => self.count,
        }
    }

    fn item(&self, key: &ErrorKey) -> ErrorsExplorerItem {
        ErrorsExplorerItem::new(self.count)
            .set_message(key.message.clone())
            .set_error_category(key.category.clone())
            .set_error_action(key.action.clone())
            .set_error_target(key.target.clone())
            .with_details(
                ErrorsExplorerItemDetails::new()
                    .with_tests(
                        ErrorsExplorerItemDetailsTests::new().with_count(self.tests.len() as i64),
                    )
                    .with_branches(
                        ErrorsExplorerItemDetailsBranches::new()
                            .with_count(self.branches.len() as i64),
                    ),
            )
    }
}

/// The error of a failed test: its first line is the message, and the name before its first
/// colon (`Error`, `TimeoutError`) its category. The fake's runs record no action or target.
fn key_of(error: &str) -> ErrorKey {
    let message = error.lines().next().unwrap_or_default().to_owned();
    let category = message
        .split_once(':')
        .map(|(name, _)| name.trim().to_owned())
        .filter(|name| !name.is_empty() && !name.contains(' '));
    ErrorKey {
        message: Some(message),
        category,
        action: None,
        target: None,
    }
}

/// The key with only the dimensions grouped by (all four when none are named).
fn grouped(key: &ErrorKey, by: &[ErrorDimension]) -> ErrorKey {
    let keep = |dimension: ErrorDimension| by.is_empty() || by.contains(&dimension);
    ErrorKey {
        message: key
            .message
            .clone()
            .filter(|_| keep(ErrorDimension::Message)),
        category: key
            .category
            .clone()
            .filter(|_| keep(ErrorDimension::Category)),
        action: key.action.clone().filter(|_| keep(ErrorDimension::Action)),
        target: key.target.clone().filter(|_| keep(ErrorDimension::Target)),
    }
}

fn matches(value: Option<&String>, wanted: Option<&String>, partial: bool) -> bool {
    match wanted {
        None => true,
        Some(wanted) => value.is_some_and(|value| {
            if partial {
                value.to_lowercase().contains(&wanted.to_lowercase())
            } else {
                value == wanted
            }
        }),
    }
}

pub(crate) fn explorer(app: &App, request: GetErrorsExplorer, fault: Option<PageFault>) -> Answer {
    let store = app.store();
    store.project_exists(&request.project_id)?;
    let all_tags = request.tags_logical_operator == Some(TagMatch::And);
    let scope = Scope {
        project_id: request.project_id.clone(),
        from: request.date_start,
        to: request.date_end,
        // With AND, the tags are checked per run below.
        tags: if all_tags {
            Vec::new()
        } else {
            request.tags.clone()
        },
        branches: request.branches.clone(),
        authors: request.authors.clone(),
        groups: request.groups.clone(),
    };
    let mut groups: BTreeMap<ErrorKey, Tally> = BTreeMap::new();
    let mut days: BTreeMap<String, BTreeMap<ErrorKey, Tally>> = BTreeMap::new();
    let runs = store
        .runs()
        .map(|stored| &stored.run)
        .filter(|run| !all_tags || request.tags.iter().all(|tag| run.tags.contains(tag)));
    for (run, spec) in scope.instances(runs) {
        let branch = run
            .meta
            .as_ref()
            .and_then(|meta| meta.commit.as_ref())
            .and_then(|commit| commit.branch.as_deref());
        for test in tests_of(run, spec) {
            let Some(error) = &test.error else { continue };
            let key = key_of(error);
            if !(matches(key.message.as_ref(), request.error_message.as_ref(), true)
                && matches(
                    key.category.as_ref(),
                    request.error_category.as_ref(),
                    false,
                )
                && matches(key.action.as_ref(), request.error_action.as_ref(), false)
                && matches(key.target.as_ref(), request.error_target.as_ref(), false)
                && matches(
                    Some(&test.title.join(" > ")),
                    request.test_title.as_ref(),
                    true,
                ))
            {
                continue;
            }
            let key = grouped(&key, &request.group_by);
            // Grouping first by a dimension leaves out the errors that have no value for it.
            let primary_missing = match request.group_by.first() {
                Some(ErrorDimension::Message) => key.message.is_none(),
                Some(ErrorDimension::Category) => key.category.is_none(),
                Some(ErrorDimension::Action) => key.action.is_none(),
                Some(ErrorDimension::Target) => key.target.is_none(),
                _ => false,
            };
            if primary_missing {
                continue;
            }
            groups
                .entry(key.clone())
                .or_default()
                .add(&test.signature, branch);
            let day = run.created_at.format("%Y-%m-%d").to_string();
            days.entry(day)
                .or_default()
                .entry(key)
                .or_default()
                .add(&test.signature, branch);
        }
    }
    let order = request.order_by.clone().unwrap_or(ErrorOrder::Count);
    let mut list = groups.into_iter().collect::<Vec<_>>();
    list.sort_by(|(a_key, a), (b_key, b)| {
        let by = match order {
            ErrorOrder::Tests => a.tests.len().cmp(&b.tests.len()),
            ErrorOrder::Branches => a.branches.len().cmp(&b.branches.len()),
            ErrorOrder::Error => b_key.message.cmp(&a_key.message),
            _ => a.count.cmp(&b.count),
        };
        let by = if request.dir == Some(SortDirection::Asc) {
            by
        } else {
            by.reverse()
        };
        by.then_with(|| a_key.cmp(b_key))
    });
    let metric = request.metric.clone().unwrap_or(ErrorMetric::Occurrence);
    let top_n = page_size(request.top_n, GetErrorsExplorer::TOP_N_DEFAULT);
    let timeline = days
        .into_iter()
        .map(|(day, groups)| {
            let mut ranked = groups.into_iter().collect::<Vec<_>>();
            ranked.sort_by(|(a_key, a), (b_key, b)| {
                b.metric(&metric)
                    .cmp(&a.metric(&metric))
                    .then_with(|| a_key.cmp(b_key))
            });
            let count: i64 = ranked.iter().map(|(_, tally)| tally.count).sum();
            let items = ranked
                .iter()
                .take(top_n)
                .map(|(key, tally)| tally.item(key))
                .collect::<Vec<_>>();
            ErrorsExplorerTimelineBucket::new(count, day, items)
        })
        .collect::<Vec<_>>();
    let items = list.iter().map(|(key, tally)| tally.item(key)).collect();
    let page = numbered_page(
        items,
        request.page.unwrap_or(GetErrorsExplorer::PAGE_DEFAULT),
        page_size(request.limit, GetErrorsExplorer::LIMIT_DEFAULT),
        fault,
    );
    success(
        Operation::GetErrorsExplorer,
        ErrorsExplorerResponse::new(
            ErrorsExplorerResponseData::new(
                page.items.clone(),
                next_page::<ErrorsExplorerResponseDataNextPage>(page.next_page),
            )
            .with_count(page.items.len() as i64)
            .with_total(page.total as i64)
            .with_timeline(timeline),
            ResponseStatus::Ok,
        ),
    )
}
