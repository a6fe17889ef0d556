//! One handler per operation: a checked, typed request in, an answer out. The semantics live
//! in the store and in `derived`; this is where a request's fields meet them.

pub(crate) mod actions;
pub(crate) mod affected;
pub(crate) mod context;
pub(crate) mod errors;
pub(crate) mod jira;
pub(crate) mod projects;
pub(crate) mod pull_requests;
pub(crate) mod results;
pub(crate) mod runs;
pub(crate) mod terms;
pub(crate) mod webhooks;

use axum::{Json, http::StatusCode, response::IntoResponse};
use currents_api::operations::Operation;
use serde::Serialize;

use crate::routes::Answer;

/// A success answer with the operation's documented status (201 for createAction).
pub(crate) fn success(operation: Operation, body: impl Serialize) -> Answer {
    let status = StatusCode::from_u16(operation.success_status()).unwrap_or(StatusCode::OK);
    Ok((status, Json(body)).into_response())
}

/// A limit as a page size, the spec's default when there is none.
pub(crate) fn page_size(limit: Option<i64>, default: i64) -> usize {
    usize::try_from(limit.unwrap_or(default)).unwrap_or(0)
}

/// A page-number list's `nextPage`: the next page's number, or `false` after the last.
pub(crate) fn next_page<T: From<i64> + From<bool>>(next: Option<i64>) -> T {
    next.map_or_else(|| T::from(false), T::from)
}
