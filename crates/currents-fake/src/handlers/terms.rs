//! listProjectTerms: the values a project's runs carry, of one kind (tags, branches, authors,
//! frameworks...), each with the last time a run carried it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use currents_api::{
    operations::{ListProjectTerms, Operation},
    types::{ResponseStatus, Run, SortDirection, Term, TermType, TermsResponse},
};

use super::{page_size, success};
use crate::{
    paging::{CursorQuery, PageFault, Place, Sorted, cursor_page},
    routes::Answer,
    server::App,
};

/// The values of one kind of term that a run carries.
fn values(run: &Run, kind: &TermType) -> Vec<String> {
    let meta = run.meta.as_ref();
    let commit = meta.and_then(|meta| meta.commit.as_ref());
    let framework = meta.and_then(|meta| meta.framework.as_ref());
    let one = |value: Option<&String>| value.cloned().into_iter().collect::<Vec<_>>();
    match kind {
        TermType::Tag => run.tags.clone(),
        TermType::Group => run
            .groups
            .iter()
            .filter_map(|g| g.group_id.clone())
            .collect(),
        TermType::Branch => one(commit.and_then(|c| c.branch.as_ref())),
        TermType::AuthorName => one(commit.and_then(|c| c.author_name.as_ref())),
        TermType::AuthorEmail => one(commit.and_then(|c| c.author_email.as_ref())),
        TermType::Framework => one(framework.and_then(|f| f.type_.as_ref().or(f.name.as_ref()))),
        TermType::FrameworkVersion => one(framework.and_then(|f| f.version.as_ref())),
        TermType::ClientVersion => one(framework.and_then(|f| f.client_version.as_ref())),
        // The fake's runs carry no annotations.
        _ => Vec::new(),
    }
}

pub(crate) fn list(app: &App, request: ListProjectTerms, fault: Option<PageFault>) -> Answer {
    let store = app.store();
    store.project_exists(&request.project_id)?;
    let search = request.search.as_ref().map(|s| s.to_lowercase());
    let mut last_seen: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    for stored in store
        .runs()
        .filter(|s| s.run.project_id == request.project_id)
    {
        for value in values(&stored.run, &request.term_type) {
            if search
                .as_ref()
                .is_some_and(|s| !value.to_lowercase().contains(s))
            {
                continue;
            }
            let seen = last_seen.entry(value).or_insert(stored.run.created_at);
            *seen = (*seen).max(stored.run.created_at);
        }
    }
    let ascending = request.dir == Some(SortDirection::Asc);
    let found = last_seen
        .into_iter()
        .map(|(value, at)| {
            // Places are read newest first; an ascending list reads its times backwards.
            let place_at = if ascending {
                DateTime::from_timestamp_millis(i64::from(i32::MAX) * 1000 - at.timestamp_millis())
                    .unwrap_or_default()
            } else {
                at
            };
            (Place::new(place_at, value.clone()), (value, at))
        })
        .collect();
    let query = CursorQuery {
        limit: page_size(request.limit, ListProjectTerms::LIMIT_DEFAULT),
        starting_after: request.starting_after.as_deref(),
        ending_before: request.ending_before.as_deref(),
    };
    let page = cursor_page(&Sorted::new(found), &query, fault)?;
    success(
        Operation::ListProjectTerms,
        TermsResponse::new(
            page.items
                .into_iter()
                .map(|(cursor, (value, at))| Term::new(cursor, value).with_updated_at(at))
                .collect::<Vec<_>>(),
            page.has_more,
            ResponseStatus::Ok,
        ),
    )
}
