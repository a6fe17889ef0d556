//! Walking a paginated list: one call that yields every item, lazily.
//!
//! Two styles share one engine ([`engine`]). Cursor lists (projects, a project's runs, test
//! results) go on from the last item's `cursor`, as `starting_after`; page-number lists (spec
//! files, the tests explorer) follow `nextPage` until it is `false`. A walk stops when the list
//! says there is no more or a page is empty. Each page is one request with the client's
//! retries, so a failed page is retried without restarting the walk.
//!
//! A walk never runs forever: a cursor that comes back, a page that points backwards, an item
//! that comes twice, or more pages than the bound stop it with [`PagingError`]
//! ([`checks`] has each rule). So does a short page in the middle of a page-number list, since
//! the list changed under it and the items it shifted past would be skipped. A walk holds at
//! most twice its window of pages, the ids of the previous page's items, and each cursor it
//! followed (tens of bytes a page): its memory does not grow with the items of the list, nor
//! with any number the server sends.

mod checks;
mod engine;
mod source;

use std::{
    fmt,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use futures_util::{Stream, StreamExt as _, TryStreamExt as _, stream::BoxStream};

use currents_api::operations::Paginated;

use crate::{Client, Error, Received, ResponseMeta, ValidationError};

pub(crate) use source::Raw;

/// How many pages a walk reads at most unless told otherwise: 500,000 items at 50 a page.
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// How many pages a walk has on their way at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// One page of a walk.
#[derive(Debug)]
#[non_exhaustive]
pub struct Page<T> {
    /// Its items, each with its JSON as sent.
    pub items: Vec<Received<T>>,
    /// Its place in the walk: 0 for the first page.
    pub index: usize,
    /// The answer it came in: status, headers, request id, attempts and time.
    pub meta: Arc<ResponseMeta>,
}

/// The pages of a walk, for callers who want to see them; see [`Items`] for the items.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    inner: BoxStream<'static, Result<Page<T>, Error>>,
}

impl<T> Pages<T> {
    pub(crate) fn new(inner: BoxStream<'static, Result<Page<T>, Error>>) -> Self {
        Pages { inner }
    }

    /// The items of the pages, in order.
    pub fn items(self) -> Items<T>
    where
        T: Send + 'static,
    {
        Items {
            inner: self
                .inner
                .map_ok(|page| futures_util::stream::iter(page.items.into_iter().map(Ok)))
                .try_flatten()
                .boxed(),
        }
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pages")
    }
}

/// Every item of a list, lazily, page after page; an error ends it.
///
/// It is a [`Stream`]: `.take(n)`, `.try_collect()` and the rest of `futures`' combinators work
/// on it.
#[must_use = "streams do nothing unless polled"]
pub struct Items<T> {
    inner: BoxStream<'static, Result<Received<T>, Error>>,
}

impl<T> Stream for Items<T> {
    type Item = Result<Received<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Items")
    }
}

/// How far a walk may go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// Stop after this many items.
    pub(crate) max_items: Option<usize>,
    /// Refuse to read more pages than this.
    pub(crate) max_pages: usize,
    /// How many pages may be on their way at once; 1 walks one page after another.
    pub(crate) concurrency: usize,
}

/// Walks the list `request` asks for, from its first page.
pub(crate) fn walk<R: Paginated>(
    client: &Client,
    request: Result<R, ValidationError>,
    bounds: Bounds,
) -> Pages<R::Item> {
    match request {
        Ok(request) => engine::walk(
            source::Typed {
                client: client.clone(),
                request,
                limit: page_size::<R>(bounds),
            },
            bounds,
        ),
        Err(error) => {
            let refused = futures_util::stream::once(async move { Err(Error::from(error)) });
            Pages::new(refused.boxed())
        }
    }
}

/// Walks the pages of a raw `GET`, one after another.
pub(crate) fn walk_raw(raw: Raw, max_pages: usize) -> Pages<serde_json::Value> {
    let bounds = Bounds {
        max_items: None,
        max_pages,
        concurrency: 1,
    };
    engine::walk(raw, bounds)
}

/// The size of each page: the largest the spec allows, or fewer if fewer items are wanted.
fn page_size<R: Paginated>(bounds: Bounds) -> i64 {
    bounds
        .max_items
        .map_or(R::MAX_LIMIT, |items| R::MAX_LIMIT.min(items.max(1) as i64))
}
