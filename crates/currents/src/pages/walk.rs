//! The walker: fetch a page, find where it says to go next, ask for that page, and only then
//! decode this one, so that the server builds the next page while the client decodes this one.

use std::{
    collections::HashSet,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use futures_util::{FutureExt as _, StreamExt as _};
use serde_json::value::RawValue;
use tokio::task::JoinHandle;

use currents_api::operations::{Next, PageStyle, Paginated, Position, raw_cursor, raw_total};

use super::{Page, Pages};
use crate::{Client, Error, PagingError, Received, ResponseMeta, ValidationError};

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

/// A page as it came: its items' JSON, where the list goes next, and its HTTP status.
pub(super) struct RawPage {
    pub(super) items: Vec<Box<RawValue>>,
    pub(super) next: Next,
    /// A page-number list's `total`, if it says it.
    pub(super) total: Option<u64>,
    pub(super) status: u16,
    pub(super) meta: Arc<ResponseMeta>,
}

/// Sends one page's request and splits its answer, with the client's retries.
pub(super) async fn fetch_raw<R: Paginated>(
    client: &Client,
    request: &R,
) -> Result<RawPage, Error> {
    let reply = client.execute(request).await?;
    if !reply.status.is_success() {
        return Err(reply.into_error());
    }
    let status = reply.status.as_u16();
    let (items, next) = R::split(&reply.body).map_err(|source| Error::Decode {
        operation: R::OPERATION.into(),
        status,
        source,
    })?;
    let total = match R::STYLE {
        PageStyle::Number => raw_total(&reply.body),
        _ => None,
    };
    Ok(RawPage {
        items,
        next,
        total,
        status,
        meta: Arc::new(reply.meta()),
    })
}

/// The error of a page-number list whose `total` moved from the first page's.
pub(super) fn changed(page: i64, first: Option<u64>, now: Option<u64>) -> Option<PagingError> {
    match (first, now) {
        (Some(was), Some(now)) if was != now => Some(PagingError::ListChanged { page, was, now }),
        _ => None,
    }
}

/// A spawned page fetch that is cancelled when the walk is dropped.
pub(super) struct Fetch<P>(pub(super) JoinHandle<Result<P, Error>>);

impl<P> Future for Fetch<P> {
    type Output = Result<P, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.poll_unpin(cx).map(|joined| match joined {
            Ok(fetched) => fetched,
            // The task only ends early by panicking (it is aborted only when dropped, and a
            // dropped fetch is never polled again): let the panic continue here.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        })
    }
}

impl<P> Drop for Fetch<P> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct State<R: Paginated> {
    client: Client,
    request: R,
    bounds: Bounds,
    limit: i64,
    pending: Option<Fetch<RawPage>>,
    /// An error found while deciding where to go after the page just yielded.
    deferred: Option<Error>,
    started: bool,
    pages: usize,
    items: usize,
    page_number: i64,
    /// The first page's `total`, which every later page must repeat.
    total: Option<u64>,
    followed: HashSet<String>,
    previous_keys: HashSet<String>,
}

/// Walks the list `request` asks for, from its first page.
pub(crate) fn walk<R: Paginated>(
    client: &Client,
    request: Result<R, ValidationError>,
    bounds: Bounds,
) -> Pages<R::Item> {
    let request = match request {
        Ok(request) => request,
        Err(error) => {
            let refused = futures_util::stream::once(async move { Err(Error::from(error)) });
            return Pages::new(refused.boxed());
        }
    };
    let limit = page_size::<R>(bounds);
    if bounds.concurrency > 1 && super::parallel::applies::<R>() {
        return super::parallel::walk(client, request, bounds, limit);
    }
    let state = State {
        client: client.clone(),
        request,
        bounds,
        limit,
        pending: None,
        deferred: None,
        started: false,
        pages: 0,
        items: 0,
        page_number: 0,
        total: None,
        followed: HashSet::new(),
        previous_keys: HashSet::new(),
    };
    Pages::new(futures_util::stream::unfold(state, step).boxed())
}

async fn step<R: Paginated>(
    mut state: State<R>,
) -> Option<(Result<Page<R::Item>, Error>, State<R>)> {
    if let Some(error) = state.deferred.take() {
        return Some((Err(error), state));
    }
    if !state.started {
        state.started = true;
        state.pending = Some(state.fetch(Position::First));
    }
    let RawPage {
        items: raws,
        next,
        total,
        status,
        meta,
    } = match state.pending.take()?.await {
        Ok(page) => page,
        Err(error) => return Some((Err(error), state)),
    };
    if state.pages == 0 {
        state.total = total;
    } else if let Some(problem) = changed(state.page_number, state.total, total) {
        return Some((Err(state.paging(problem)), state));
    }
    let room = state
        .bounds
        .max_items
        .map_or(usize::MAX, |max| max - state.items);
    let cut = raws.len() > room;
    let kept = raws.len().min(room);
    let index = state.pages;
    state.pages += 1;

    // Where to go next is known from the JSON alone: ask for that page now, and decode this
    // one while the server builds it.
    let reached = state
        .bounds
        .max_items
        .is_some_and(|max| state.items + kept >= max);
    if !(raws.is_empty() || cut || reached) {
        match state.next_position(&raws, next) {
            Ok(None) => {}
            Ok(Some(_)) if state.pages >= state.bounds.max_pages => {
                let pages = state.bounds.max_pages;
                state.deferred = Some(state.paging(PagingError::PageLimit { pages }));
            }
            Ok(Some(position)) => {
                state.pending = Some(state.fetch(position));
                // Let the fetch send its request before this thread turns to decoding.
                tokio::task::yield_now().await;
            }
            Err(problem) => state.deferred = Some(state.paging(problem)),
        }
    }

    // The whole page is decoded and checked, even past the items still wanted: an item that
    // comes again shows a page that went back, whichever part of the page it is in.
    let mut items = match raws
        .into_iter()
        .map(|raw| Received::<R::Item>::decode(raw).map(|item| item.with_meta(meta.clone())))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(items) => items,
        Err(source) => {
            state.pending = None;
            let error = Error::Decode {
                operation: R::OPERATION.into(),
                status,
                source,
            };
            return Some((Err(error), state));
        }
    };
    match duplicate_free::<R>(&items, &state.previous_keys) {
        Ok(keys) => state.previous_keys = keys,
        Err(problem) => {
            state.pending = None;
            state.deferred = None;
            return Some((Err(state.paging(problem)), state));
        }
    }
    items.truncate(kept);
    state.items += kept;
    Some((Ok(Page { items, index, meta }), state))
}

/// The size of each page: the largest the spec allows, or fewer if fewer items are wanted.
fn page_size<R: Paginated>(bounds: Bounds) -> i64 {
    bounds
        .max_items
        .map_or(R::MAX_LIMIT, |items| R::MAX_LIMIT.min(items.max(1) as i64))
}

/// The ids of a page's items, unless one was on the previous page or comes twice.
pub(super) fn duplicate_free<R: Paginated>(
    items: &[Received<R::Item>],
    previous: &HashSet<String>,
) -> Result<HashSet<String>, PagingError> {
    let mut keys = HashSet::with_capacity(items.len());
    for key in items.iter().filter_map(|item| R::key(item)) {
        if previous.contains(&key) || keys.contains(&key) {
            return Err(PagingError::DuplicateItem { id: key });
        }
        keys.insert(key);
    }
    Ok(keys)
}

impl<R: Paginated> State<R> {
    fn paging(&self, problem: PagingError) -> Error {
        Error::Paging {
            operation: R::OPERATION.into(),
            problem,
        }
    }

    /// Where the walk goes after a non-empty page, or `None` at the end.
    fn next_position(
        &mut self,
        items: &[Box<RawValue>],
        next: Next,
    ) -> Result<Option<Position>, PagingError> {
        match (R::STYLE, next) {
            (PageStyle::Cursor, Next::More(true)) => {
                let cursor = items
                    .last()
                    .and_then(|item| raw_cursor(item))
                    .ok_or(PagingError::MissingCursor)?;
                if !self.followed.insert(cursor.clone()) {
                    return Err(PagingError::RepeatedCursor { cursor });
                }
                Ok(Some(Position::After(cursor)))
            }
            (PageStyle::Number, Next::Page(Some(page))) => {
                if (items.len() as i64) < self.limit {
                    return Err(PagingError::ShortPage {
                        page: self.page_number,
                        items: items.len(),
                        limit: self.limit,
                    });
                }
                if page <= self.page_number {
                    return Err(PagingError::PageWentBackwards {
                        from: self.page_number,
                        to: page,
                    });
                }
                self.page_number = page;
                Ok(Some(Position::Page(page)))
            }
            _ => Ok(None),
        }
    }

    /// Starts fetching the page at `position` in the background.
    fn fetch(&self, position: Position) -> Fetch<RawPage> {
        let mut request = self.request.clone();
        request.set_page(&position, self.limit);
        let client = self.client.clone();
        Fetch(tokio::spawn(
            async move { fetch_raw(&client, &request).await },
        ))
    }
}
