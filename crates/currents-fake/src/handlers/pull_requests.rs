//! listProjectPullRequests: a project's runs grouped by pull request (`meta.pr.id`), one card
//! per pull request. The run filters choose which runs count; the status filters and
//! `pr_search` are checked on each card's latest run.

use std::collections::BTreeMap;

use chrono::DateTime;
use currents_api::{
    RunFields as _,
    operations::{ListProjectPullRequests, Operation},
    types::{
        LogicalOperator, PullRequestCard, PullRequestCardPr, PullRequestOrder, PullRequestRun,
        PullRequestsResponse, ResponseStatus, Run, SortDirection,
    },
};

use super::{page_size, success};
use crate::{
    ApiError,
    feed::branches_select,
    paging::{CursorQuery, PageFault, Place, Sorted, cursor_page},
    routes::Answer,
    server::App,
};

/// Runs in a card's `recentRuns`.
const RECENT_RUNS: usize = 10;

fn brief(run: &Run) -> PullRequestRun {
    PullRequestRun::new()
        .with_run_id(run.run_id.clone())
        .with_status(run.status.to_string())
        .with_completion_state(run.completion_state.to_string())
        .with_created_at(run.created_at)
        .set_ci_build_id(run.ci_build_id().map(str::to_owned))
}

fn counts(request: &ListProjectPullRequests, run: &Run) -> bool {
    let commit = run.meta.as_ref().and_then(|meta| meta.commit.as_ref());
    let text = |value: Option<&String>| value.map(|v| v.to_lowercase()).unwrap_or_default();
    let tags = if request.tag_operator == Some(LogicalOperator::Or) {
        request.tags.is_empty() || request.tags.iter().any(|tag| run.tags.contains(tag))
    } else {
        request.tags.iter().all(|tag| run.tags.contains(tag))
    };
    let author = commit.and_then(|c| c.author_email.as_deref().or(c.author_name.as_deref()));
    tags && branches_select(&request.branches, commit.and_then(|c| c.branch.as_deref()))
        && (request.authors.is_empty()
            || request.authors.iter().any(|pattern| {
                let pattern = pattern.to_lowercase();
                let author = author.unwrap_or_default().to_lowercase();
                match pattern.strip_suffix('*') {
                    Some(prefix) => author.starts_with(prefix),
                    None => author == pattern,
                }
            }))
        && request.date_start.is_none_or(|start| run.created_at >= start)
        && request.date_end.is_none_or(|end| run.created_at <= end)
        && request.search.as_ref().is_none_or(|search| {
            let search = search.to_lowercase();
            text(run.meta.as_ref().and_then(|m| m.ci_build_id.as_ref())).contains(&search)
                || text(commit.and_then(|c| c.message.as_ref())).contains(&search)
        })
        // The fake's runs have no environment.
        && request.environments.is_empty()
}

pub(crate) fn list(
    app: &App,
    request: ListProjectPullRequests,
    fault: Option<PageFault>,
) -> Answer {
    let store = app.store();
    store.project_exists(&request.project_id)?;
    let mut cards: BTreeMap<String, Vec<&Run>> = BTreeMap::new();
    for stored in store.runs() {
        let run = &stored.run;
        let Some(pr_id) = run
            .meta
            .as_ref()
            .and_then(|m| m.pr.as_ref())
            .and_then(|pr| pr.id.clone())
        else {
            continue;
        };
        if run.project_id == request.project_id
            && request.pr_id.as_ref().is_none_or(|wanted| *wanted == pr_id)
            && counts(&request, run)
        {
            cards.entry(pr_id).or_default().push(run);
        }
    }
    let order = request.order.clone().unwrap_or(PullRequestOrder::LastRun);
    let ascending = request.dir == Some(SortDirection::Asc);
    // A cursor names its order and direction, so that one from another order is refused.
    let scheme = format!("{order}-{}", if ascending { "asc" } else { "desc" });
    let per_card = page_size(
        request.runs_per_pr,
        ListProjectPullRequests::RUNS_PER_PR_DEFAULT,
    );
    let mut found = Vec::new();
    for (pr_id, mut runs) in cards {
        runs.sort_by(|a, b| (b.created_at, &b.run_id).cmp(&(a.created_at, &a.run_id)));
        let latest = runs[0];
        let pr = latest.meta.as_ref().and_then(|m| m.pr.as_ref());
        let status_ok = request.status.is_empty()
            || request
                .status
                .iter()
                .any(|s| s.to_string() == latest.status.to_string());
        let state_ok = request.completion_state.is_empty()
            || request
                .completion_state
                .iter()
                .any(|s| s.to_string() == latest.completion_state.to_string());
        let search_ok = request.pr_search.as_ref().is_none_or(|search| {
            let search = search.trim().trim_start_matches('#').to_lowercase();
            let title = pr
                .and_then(|p| p.title.as_deref())
                .unwrap_or_default()
                .to_lowercase();
            let source = pr
                .and_then(|p| p.source.as_deref())
                .unwrap_or_default()
                .to_lowercase();
            title.contains(&search) || source.contains(&search) || pr_id == search
        });
        if !(status_ok && state_ok && search_ok) {
            continue;
        }
        let key = match order {
            PullRequestOrder::FirstRun => runs[runs.len() - 1].created_at.timestamp_millis(),
            PullRequestOrder::RunCount => runs.len() as i64,
            _ => latest.created_at.timestamp_millis(),
        };
        // Places are read newest first; an ascending order reads its keys backwards.
        let key = if ascending {
            i64::from(i32::MAX) * 1000 - key
        } else {
            key
        };
        let at = DateTime::from_timestamp_millis(key).unwrap_or_default();
        let card = PullRequestCard::new(
            String::new(),
            PullRequestCardPr::new(pr_id.clone())
                .set_title(pr.and_then(|p| p.title.clone()))
                .set_link(pr.and_then(|p| p.link.clone()))
                .set_source(pr.and_then(|p| p.source.clone()))
                .set_destination(pr.and_then(|p| p.destination.clone())),
        )
        .with_run_count(runs.len() as i64)
        .with_timeline_preview(
            runs.iter()
                .take(per_card)
                .map(|run| brief(run))
                .collect::<Vec<_>>(),
        )
        .with_recent_runs(
            runs.iter()
                .take(RECENT_RUNS)
                .map(|run| brief(run))
                .collect::<Vec<_>>(),
        );
        found.push((Place::new(at, format!("{scheme}.{pr_id}")), card));
    }
    for cursor in [&request.starting_after, &request.ending_before]
        .into_iter()
        .flatten()
    {
        let named = cursor.split_once('.').map(|(_, id)| id);
        if !cursor.is_empty() && named.is_some_and(|id| !id.starts_with(&format!("{scheme}."))) {
            return Err(ApiError::bad_request(format!(
                "cursor '{}' was issued for another order or dir",
                cursor.escape_debug()
            )));
        }
    }
    let query = CursorQuery {
        limit: page_size(request.limit, ListProjectPullRequests::LIMIT_DEFAULT),
        starting_after: request.starting_after.as_deref(),
        ending_before: request.ending_before.as_deref(),
    };
    let page = cursor_page(&Sorted::new(found), &query, fault)?;
    success(
        Operation::ListProjectPullRequests,
        PullRequestsResponse::new(
            page.items
                .into_iter()
                .map(|(cursor, card)| card.with_cursor(cursor))
                .collect::<Vec<_>>(),
            page.has_more,
            ResponseStatus::Ok,
        ),
    )
}
