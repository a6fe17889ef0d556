//! `Query`: a request being built. Its setters never fail; the first invalid value is kept and
//! returned by [`Query::send`] (or yielded by [`Query::stream`]) before anything is sent.

use chrono::{DateTime, Utc};
use currents_api::operations::{Paginated, ParamError, Setters, Single};

use crate::{
    Client, Error, Received, ValidationError,
    pages::{Bounds, DEFAULT_MAX_PAGES, Items, Pages, walk},
};

/// A request with its filters, built with setters that never fail:
/// `client.projects().runs(&project).branches(["release/*"]).status([RunStatus::Failed]).stream()`.
///
/// A list query is walked with [`Query::stream`] (every item) or [`Query::pages`] (page by
/// page); any other query is sent with [`Query::send`]. The filters of each operation are the
/// setters of its `params` trait (`ListProjectRunsParams`), which `use currents::prelude::*`
/// brings into scope: a list takes exactly the filters the spec gives it.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is sent or streamed"]
pub struct Query<'a, R> {
    client: &'a Client,
    request: Result<R, ValidationError>,
    max_items: Option<usize>,
    max_pages: usize,
    concurrency: usize,
}

impl<'a, R> Query<'a, R> {
    pub(crate) fn new(client: &'a Client, request: Result<R, ValidationError>) -> Self {
        Query {
            client,
            request,
            max_items: None,
            max_pages: DEFAULT_MAX_PAGES,
            concurrency: client.config().page_concurrency,
        }
    }

    /// The client and the request (or the first refusal), for a query sent its own way.
    pub(crate) fn into_parts(self) -> (&'a Client, Result<R, ValidationError>) {
        (self.client, self.request)
    }

    /// Applies a change that may refuse its input; the first refusal is kept.
    pub(crate) fn with(
        mut self,
        change: impl FnOnce(&mut R) -> Result<(), ValidationError>,
    ) -> Self {
        if let Ok(request) = &mut self.request
            && let Err(error) = change(request)
        {
            self.request = Err(error);
        }
        self
    }
}

impl<R: Single> Query<'_, R> {
    /// Checks every value, then sends the request.
    pub async fn send(self) -> Result<Received<R::Data>, Error> {
        self.client.fetch(&self.request?).await
    }
}

/// The walking methods of a list: a list has no `send`, because its answer is one page of
/// many; it is walked item by item or page by page.
impl<R: Paginated> Query<'_, R> {
    /// At most this many items in all: the walk stops there, and asks for no more.
    pub fn limit(mut self, items: usize) -> Self {
        self.max_items = Some(items);
        self
    }

    /// Read at most this many pages ([`DEFAULT_MAX_PAGES`] unless set); a list with more stops
    /// the walk with [`PagingError::PageLimit`](crate::PagingError::PageLimit).
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// How many pages may be on their way at once (the client's
    /// [`page_concurrency`](crate::ClientBuilder::page_concurrency) unless set); `1`
    /// walks one page after another, the next fetched while this one is consumed.
    ///
    /// A page-number list asks for every page after its first at once; a list of a project's
    /// runs or of a test's results is cut into time slices walked side by side. Either way
    /// the items come in the list's own order, and every request stays within the client's
    /// limits (its in-flight cap, [`RetryBudget`](crate::RetryBudget) and cooldown). Other lists are walked one page after another.
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages.max(1);
        self
    }

    /// Every item, in the list's order, pages fetched ahead within [`Query::concurrency`].
    pub fn stream(self) -> Items<R::Item> {
        self.walk().items()
    }

    /// The pages, for callers who want to see where one ends.
    pub fn pages(self) -> Pages<R::Item> {
        self.walk()
    }

    fn walk(self) -> Pages<R::Item> {
        let bounds = Bounds {
            max_items: self.max_items,
            max_pages: self.max_pages,
            concurrency: self.concurrency,
        };
        walk(self.client, self.request, bounds)
    }
}

/// The setters the spec gives each operation (the `params` traits of
/// [`currents_api::operations::params`], in [`crate::prelude`]) set a query's parameters; a
/// value the spec's rule refuses is kept as the query's error, like any other.
impl<R> Setters<R> for Query<'_, R> {
    fn set(self, change: impl FnOnce(&mut R) -> Result<(), ParamError>) -> Self {
        self.with(|request| change(request).map_err(ValidationError::from))
    }
}

/// A date range, checked when the query is sent: its start must not be after its end.
pub(crate) fn check_range(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), ValidationError> {
    if start > end {
        return Err(ValidationError::new(
            "date range",
            format!("{} .. {}", start.to_rfc3339(), end.to_rfc3339()),
            "must not start after it ends",
        ));
    }
    Ok(())
}
