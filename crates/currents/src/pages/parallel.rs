//! The parallel walker: a list cut into parts that are fetched side by side, in a bounded
//! window, and yielded in order.
//!
//! A page-number list is cut by page: its first page says how many items there are, so every
//! page after it can be asked for at once. A time-sliced cursor list (its items ordered newest
//! first by a time its range selects on) is cut by time: after a slice's page, the rest of
//! the slice that the page's density says is long is cut into pieces of a few pages each,
//! walked side by side; a list without a start finds its end this way, one piece after
//! another. Each slice keeps exactly the items whose own time falls in it (an inner edge is
//! asked for a second wider and cut by the client), so no item is lost or comes twice at an
//! edge, whatever the server's precision or whether its bounds are inclusive.
//!
//! The window bounds the requests on their way, and the pages held: pages fetched ahead wait
//! for their turn, at most twice the window of them, and only the part being yielded may fetch
//! beyond that. Every request goes through the client, inside its in-flight cap, retry budget
//! and cooldown.

use std::{
    collections::{HashSet, VecDeque},
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt as _, stream::FuturesUnordered};

use currents_api::operations::{Next, PageStyle, Paginated, Position, TimeRange, raw_cursor};

use super::walk::{Bounds, Fetch, changed, duplicate_free, fetch_raw};
use super::{Page, Pages};
use crate::{Client, Error, PagingError, Received, ResponseMeta};

/// How much of a page a piece of a time-sliced list is cut to hold, in tenths, by the density
/// of the page before: most pieces then take one request, and come in about the order they
/// were asked for, so that few pages wait for their turn.
const PIECE_TENTHS: i32 = 9;

/// A slice is cut when the density of its last page says this many pages are left in it.
const CUT_PAGES: i32 = 2;

/// The narrowest piece worth cutting, whatever the density.
const MIN_SPAN: TimeDelta = TimeDelta::seconds(1);

/// How much wider than its own slice an inner edge is asked for.
const EDGE_MARGIN: TimeDelta = TimeDelta::seconds(1);

/// Whether the parallel walker can cut a list of this kind.
pub(super) fn applies<R: Paginated>() -> bool {
    match R::STYLE {
        PageStyle::Number => true,
        PageStyle::Cursor => R::SLICED,
        _ => false,
    }
}

/// Walks `request`'s list with up to `bounds.concurrency` pages on their way at once.
pub(super) fn walk<R: Paginated>(
    client: &Client,
    request: R,
    bounds: Bounds,
    limit: i64,
) -> Pages<R::Item> {
    let own = request.range();
    let first = match R::STYLE {
        PageStyle::Number => Part::Number(0),
        _ => Part::Slice(Slice::new(Edge::Own, Edge::Own, own)),
    };
    let walker = Walker {
        client: client.clone(),
        request,
        bounds,
        limit,
        own,
        parts: VecDeque::from([Unit::new(0, first)]),
        next_id: 1,
        in_flight: FuturesUnordered::new(),
        issued: 0,
        buffered: 0,
        yielded_pages: 0,
        yielded_items: 0,
        opened: false,
        done: false,
        deferred: None,
        ramp: 2.min(bounds.concurrency),
        total: None,
        previous_keys: HashSet::new(),
    };
    let mut walker = walker;
    Pages::new(futures_util::stream::poll_fn(move |cx| walker.poll(cx)).boxed())
}

/// One edge of a time slice: the request's own bound, or a time the walk chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Own,
    At(DateTime<Utc>),
}

/// The items of a time-sliced list with `lo <= time < hi`, and where its walk is.
#[derive(Debug)]
struct Slice {
    lo: Edge,
    hi: Edge,
    /// The range asked for, fixed at the slice's start: a cut only moves `lo`, so the walk
    /// of the slice goes on with the request it began.
    query: TimeRange,
    cursor: Option<String>,
    followed: HashSet<String>,
    previous_keys: HashSet<String>,
}

impl Slice {
    fn new(lo: Edge, hi: Edge, own: TimeRange) -> Self {
        let query = TimeRange::new(
            match lo {
                Edge::Own => own.start,
                Edge::At(at) => Some(at - EDGE_MARGIN),
            },
            match hi {
                Edge::Own => own.end,
                Edge::At(at) => Some(at + EDGE_MARGIN),
            },
        );
        Slice {
            lo,
            hi,
            query,
            cursor: None,
            followed: HashSet::new(),
            previous_keys: HashSet::new(),
        }
    }

    fn holds(&self, at: DateTime<Utc>) -> bool {
        let below_hi = matches!(self.hi, Edge::Own) || matches!(self.hi, Edge::At(hi) if at < hi);
        below_hi && !self.is_past(at)
    }

    fn is_past(&self, at: DateTime<Utc>) -> bool {
        matches!(self.lo, Edge::At(lo) if at < lo)
    }
}

#[derive(Debug)]
enum Part {
    /// One page of a page-number list.
    Number(i64),
    /// A time slice of a cursor list.
    Slice(Slice),
}

/// A page that came, decoded.
struct Fetched<T> {
    items: Vec<Received<T>>,
    /// The time of each item, for a time-sliced list.
    times: Vec<Option<DateTime<Utc>>>,
    next: Next,
    total: Option<u64>,
    last_cursor: Option<String>,
    meta: Arc<ResponseMeta>,
}

/// A page ready to be yielded, with what was found about the walk after it.
struct Ready<T> {
    items: Vec<Received<T>>,
    meta: Arc<ResponseMeta>,
    next: Next,
    total: Option<u64>,
}

struct Unit<T> {
    id: u64,
    part: Part,
    ready: VecDeque<Result<Ready<T>, Error>>,
    fetching: bool,
    ended: bool,
}

impl<T> Unit<T> {
    fn new(id: u64, part: Part) -> Self {
        Unit {
            id,
            part,
            ready: VecDeque::new(),
            fetching: false,
            ended: false,
        }
    }

    fn wants_fetch(&self) -> bool {
        !self.fetching && !self.ended
    }
}

type InFlight<T> = Pin<Box<dyn Future<Output = (u64, Result<Fetched<T>, Error>)> + Send>>;

struct Walker<R: Paginated> {
    client: Client,
    request: R,
    bounds: Bounds,
    limit: i64,
    /// The request's own range.
    own: TimeRange,
    /// The parts in the order they are yielded; the front one is being yielded.
    parts: VecDeque<Unit<R::Item>>,
    next_id: u64,
    in_flight: FuturesUnordered<InFlight<R::Item>>,
    issued: usize,
    buffered: usize,
    yielded_pages: usize,
    yielded_items: usize,
    /// Whether the caller has asked for more than the first page: only then does the window
    /// open, so that a caller who takes a few items costs no more requests than a sequential
    /// walk.
    opened: bool,
    done: bool,
    deferred: Option<PagingError>,
    /// How many pieces the next cut of a slice without a floor makes.
    ramp: usize,
    /// A page-number list's first `total`.
    total: Option<u64>,
    /// The ids of the page-number page yielded last.
    previous_keys: HashSet<String>,
}

impl<R: Paginated> Walker<R> {
    fn paging(&self, problem: PagingError) -> Error {
        Error::Paging {
            operation: R::OPERATION.into(),
            problem,
        }
    }

    fn ends(&mut self, error: Error) -> Poll<Option<Result<Page<R::Item>, Error>>> {
        self.finish();
        Poll::Ready(Some(Err(error)))
    }

    /// Stops every fetch: dropping one aborts its task.
    fn finish(&mut self) {
        self.done = true;
        self.parts.clear();
        self.in_flight = FuturesUnordered::new();
    }

    fn window(&self) -> usize {
        if self.opened {
            self.bounds.concurrency
        } else {
            1
        }
    }

    /// Starts the fetches the window has room for, the earliest parts first.
    fn schedule(&mut self) {
        let window = self.window();
        // The last slice, not yet begun, is where the list's unknown rest is: its first page
        // is what the next cut is made from, so once the window is open it goes ahead of the
        // pieces already cut, and they are never left without a next piece to start.
        let last = self.parts.len().saturating_sub(1);
        let frontier = self.opened
            && last > 0
            && self.bounds.max_items.is_none()
            && matches!(&self.parts[last].part, Part::Slice(slice) if slice.cursor.is_none());
        if frontier && self.may_start(last, window) {
            self.start(last);
        }
        // The items that come before each part's next page: once they are all the items
        // wanted, no later page is.
        let mut before = self.yielded_items;
        for index in 0..self.parts.len() {
            before += self.parts[index]
                .ready
                .iter()
                .map(|ready| ready.as_ref().map_or(0, |ready| ready.items.len()))
                .sum::<usize>();
            if self.bounds.max_items.is_some_and(|max| before >= max)
                || !self.may_start(index, window)
            {
                return;
            }
            if self.parts[index].wants_fetch() {
                self.start(index);
            }
        }
    }

    /// Whether the window has room for another fetch, for the part at `index`.
    fn may_start(&self, index: usize, window: usize) -> bool {
        // Pages fetched ahead are held until their turn; past twice the window, only the part
        // being yielded may fetch.
        let held = self.buffered + self.in_flight.len();
        self.in_flight.len() < window
            && self.issued < self.bounds.max_pages
            && (index == 0 || held < 2 * window)
    }

    /// Starts fetching the next page of the part at `index`, if it wants one.
    fn start(&mut self, index: usize) {
        if !self.parts[index].wants_fetch() {
            return;
        }
        let request = self.request_for(&self.parts[index].part);
        let unit = &mut self.parts[index];
        unit.fetching = true;
        self.issued += 1;
        let (id, client) = (unit.id, self.client.clone());
        let fetch = Fetch(tokio::spawn(async move {
            let raw = fetch_raw(&client, &request).await?;
            decode::<R>(raw)
        }));
        self.in_flight
            .push(Box::pin(async move { (id, fetch.await) }));
    }

    fn request_for(&self, part: &Part) -> R {
        let mut request = self.request.clone();
        match part {
            Part::Number(0) => request.set_page(&Position::First, self.limit),
            Part::Number(page) => request.set_page(&Position::Page(*page), self.limit),
            Part::Slice(slice) => {
                let position = slice
                    .cursor
                    .clone()
                    .map_or(Position::First, Position::After);
                request.set_page(&position, self.limit);
                request.set_range(slice.query);
            }
        }
        request
    }

    /// Takes in a page that came for part `id`.
    fn arrive(&mut self, id: u64, fetched: Result<Fetched<R::Item>, Error>) {
        let Some(index) = self.parts.iter().position(|unit| unit.id == id) else {
            // A part dropped since (a page-number list that ended early).
            return;
        };
        self.parts[index].fetching = false;
        let fetched = match fetched {
            Ok(fetched) => fetched,
            Err(error) => {
                let unit = &mut self.parts[index];
                unit.ended = true;
                unit.ready.push_back(Err(error));
                self.buffered += 1;
                return;
            }
        };
        if let Part::Number(page) = self.parts[index].part {
            let planned = if page == 0 {
                self.planned_pages(&fetched)
            } else {
                0
            };
            let unit = &mut self.parts[index];
            unit.ended = true;
            unit.ready.push_back(Ok(Ready {
                items: fetched.items,
                meta: fetched.meta,
                next: fetched.next,
                total: fetched.total,
            }));
            self.buffered += 1;
            self.plan(planned);
            return;
        }
        let unit = &mut self.parts[index];
        let Part::Slice(slice) = &mut unit.part else {
            return;
        };
        let SliceOutcome {
            page,
            ended,
            cut_from,
        } = take_slice_page::<R>(slice, fetched);
        unit.ended = ended;
        unit.ready.push_back(page);
        self.buffered += 1;
        if let Some((newest, oldest)) = cut_from {
            self.cut(index, newest, oldest);
        }
    }

    /// The page numbers after the first that the first page's `total` says there are,
    /// within the items wanted; none if it gives no total or no next page.
    fn planned_pages(&self, first: &Fetched<R::Item>) -> i64 {
        let (Some(total), Next::Page(Some(1))) = (first.total, &first.next) else {
            return 0;
        };
        let wanted = self
            .bounds
            .max_items
            .map_or(total, |max| total.min(max as u64));
        let limit = self.limit.max(1) as u64;
        (wanted.div_ceil(limit) as i64 - 1).max(0)
    }

    fn plan(&mut self, pages: i64) {
        for page in 1..=pages {
            let id = self.fresh_id();
            self.parts.push_back(Unit::new(id, Part::Number(page)));
        }
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Cuts what is left of the slice at `index` (older than `oldest`, the last time of its
    /// page, which spanned back from `newest`) into pieces, if its density says it is long.
    fn cut(&mut self, index: usize, newest: DateTime<Utc>, oldest: DateTime<Utc>) {
        let Part::Slice(Slice { lo, .. }) = self.parts[index].part else {
            return;
        };
        let span = (newest - oldest).max(MIN_SPAN);
        let floor = match lo {
            Edge::At(at) => Some(at),
            Edge::Own => self.own.start,
        };
        if let Some(floor) = floor
            && (oldest - floor) <= span * CUT_PAGES
        {
            return;
        }
        let piece = (span * PIECE_TENTHS / 10).max(MIN_SPAN);
        // Without a floor the list's end is unknown: the pieces cut ahead of it double in
        // number from two, so a short list costs a few requests more than a sequential walk.
        let count = match floor {
            Some(_) => 2 * self.bounds.concurrency,
            None => {
                let count = self.ramp;
                self.ramp = (self.ramp * 2).min(2 * self.bounds.concurrency);
                count
            }
        };
        let mut edges = Vec::new();
        let mut at = whole_second(oldest - piece);
        for _ in 0..count {
            if floor.is_some_and(|floor| at <= floor) {
                break;
            }
            edges.push(at);
            at = whole_second(at - piece);
        }
        let Some(&first) = edges.first() else {
            return;
        };
        if let Part::Slice(slice) = &mut self.parts[index].part {
            slice.lo = Edge::At(first);
        }
        let mut pieces = Vec::with_capacity(edges.len());
        for (n, hi) in edges.iter().enumerate() {
            let piece_lo = edges.get(n + 1).map_or(lo, |&at| Edge::At(at));
            let id = self.fresh_id();
            let slice = Slice::new(piece_lo, Edge::At(*hi), self.own);
            pieces.push(Unit::new(id, Part::Slice(slice)));
        }
        for (n, unit) in pieces.into_iter().enumerate() {
            self.parts.insert(index + 1 + n, unit);
        }
    }

    /// The next page in order, if it has come.
    fn next_ready(&mut self) -> Option<Result<Page<R::Item>, Error>> {
        loop {
            let front = self.parts.front_mut()?;
            let Some(ready) = front.ready.pop_front() else {
                if front.ended && !front.fetching {
                    self.parts.pop_front();
                    continue;
                }
                return None;
            };
            self.buffered -= 1;
            let ready = match ready {
                Ok(ready) => ready,
                Err(error) => return Some(Err(error)),
            };
            let number = match front.part {
                Part::Number(page) => Some(page),
                Part::Slice(_) => None,
            };
            if let Some(page) = number
                && let Err(problem) = self.follow_number(page, &ready)
            {
                return Some(Err(self.paging(problem)));
            }
            match self.yield_page(ready) {
                Some(page) => return Some(page),
                None => continue,
            }
        }
    }

    /// Checks page `page` of a page-number list in order, as a sequential walk would, and
    /// makes the next part the page it points at.
    fn follow_number(&mut self, page: i64, ready: &Ready<R::Item>) -> Result<(), PagingError> {
        if page == 0 {
            self.total = ready.total;
        } else if let Some(problem) = changed(page, self.total, ready.total) {
            return Err(problem);
        }
        self.previous_keys = duplicate_free::<R>(&ready.items, &self.previous_keys)?;
        let next = match ready.next {
            Next::Page(next) => next,
            _ => None,
        };
        let reached = self
            .bounds
            .max_items
            .is_some_and(|max| self.yielded_items + ready.items.len() >= max);
        let Some(next) = next.filter(|_| !ready.items.is_empty() && !reached) else {
            // The end: the pages planned after it are not wanted.
            self.parts.truncate(1);
            return Ok(());
        };
        if (ready.items.len() as i64) < self.limit {
            self.deferred = Some(PagingError::ShortPage {
                page,
                items: ready.items.len(),
                limit: self.limit,
            });
        } else if next <= page {
            self.deferred = Some(PagingError::PageWentBackwards {
                from: page,
                to: next,
            });
        } else if self.yielded_pages + 1 >= self.bounds.max_pages {
            let pages = self.bounds.max_pages;
            self.deferred = Some(PagingError::PageLimit { pages });
        } else {
            // Pages the list skipped over are not wanted; the one it points at comes next.
            while self
                .parts
                .get(1)
                .is_some_and(|unit| matches!(unit.part, Part::Number(p) if p < next))
            {
                self.parts.remove(1);
            }
            let planned = self
                .parts
                .get(1)
                .is_some_and(|unit| matches!(unit.part, Part::Number(p) if p == next));
            if !planned {
                let id = self.fresh_id();
                self.parts.insert(1, Unit::new(id, Part::Number(next)));
            }
        }
        Ok(())
    }

    /// The page to yield, cut to the items still wanted; `None` for an empty page after the
    /// first.
    fn yield_page(&mut self, ready: Ready<R::Item>) -> Option<Result<Page<R::Item>, Error>> {
        let mut items = ready.items;
        if let Some(max) = self.bounds.max_items {
            items.truncate(max - self.yielded_items);
            if self.yielded_items + items.len() >= max {
                self.parts.clear();
                self.in_flight = FuturesUnordered::new();
            }
        }
        if items.is_empty() && self.yielded_pages > 0 {
            return None;
        }
        let index = self.yielded_pages;
        self.yielded_pages += 1;
        self.yielded_items += items.len();
        Some(Ok(Page {
            items,
            index,
            meta: ready.meta,
        }))
    }
}

impl<R: Paginated> Walker<R> {
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Page<R::Item>, Error>>> {
        let this = self;
        if this.done {
            return Poll::Ready(None);
        }
        if this.yielded_pages > 0 {
            this.opened = true;
        }
        loop {
            if let Some(problem) = this.deferred.take() {
                let error = this.paging(problem);
                return this.ends(error);
            }
            this.schedule();
            if let Poll::Ready(Some((id, fetched))) = this.in_flight.poll_next_unpin(cx) {
                this.arrive(id, fetched);
                continue;
            }
            let (parts, buffered) = (this.parts.len(), this.buffered);
            match this.next_ready() {
                Some(Ok(page)) => return Poll::Ready(Some(Ok(page))),
                Some(Err(error)) => return this.ends(error),
                None => {}
            }
            if this.parts.is_empty() {
                this.finish();
                return Poll::Ready(None);
            }
            // A part ended or an empty page was passed over: the part now being yielded may
            // start the fetch that the window held back before.
            if (this.parts.len(), this.buffered) != (parts, buffered) {
                continue;
            }
            // The part being yielded needs a page the page bound does not allow.
            if this.in_flight.is_empty() && this.issued >= this.bounds.max_pages {
                let pages = this.bounds.max_pages;
                let error = this.paging(PagingError::PageLimit { pages });
                return this.ends(error);
            }
            return Poll::Pending;
        }
    }
}

/// Decodes a page in the fetch's own task, so that pages decode side by side.
fn decode<R: Paginated>(raw: super::walk::RawPage) -> Result<Fetched<R::Item>, Error> {
    let last_cursor = match R::STYLE {
        PageStyle::Cursor => raw.items.last().and_then(|item| raw_cursor(item)),
        _ => None,
    };
    let meta = raw.meta;
    let items = raw
        .items
        .into_iter()
        .map(|item| Received::<R::Item>::decode(item).map(|item| item.with_meta(meta.clone())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| Error::Decode {
            operation: R::OPERATION.into(),
            status: raw.status,
            source,
        })?;
    let times = if R::SLICED {
        items.iter().map(|item| R::time(item)).collect()
    } else {
        Vec::new()
    };
    Ok(Fetched {
        items,
        times,
        next: raw.next,
        total: raw.total,
        last_cursor,
        meta,
    })
}

struct SliceOutcome<T> {
    page: Result<Ready<T>, Error>,
    ended: bool,
    /// The newest and oldest times of the page, when the slice goes on and may be cut.
    cut_from: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Keeps the items of a slice's page that are the slice's own, and finds where it goes next.
fn take_slice_page<R: Paginated>(
    slice: &mut Slice,
    fetched: Fetched<R::Item>,
) -> SliceOutcome<R::Item> {
    let failed = |problem| SliceOutcome {
        page: Err(Error::Paging {
            operation: R::OPERATION.into(),
            problem,
        }),
        ended: true,
        cut_from: None,
    };
    let Fetched {
        items,
        times,
        next,
        last_cursor,
        meta,
        ..
    } = fetched;
    let mut known = Vec::with_capacity(times.len());
    for (item, time) in items.iter().zip(&times) {
        match time {
            Some(time) => known.push(*time),
            None => return failed(PagingError::MissingTime { id: R::key(item) }),
        }
    }
    match duplicate_free::<R>(&items, &slice.previous_keys) {
        Ok(keys) => slice.previous_keys = keys,
        Err(problem) => return failed(problem),
    }
    let mut ended = items.is_empty();
    let mut kept = Vec::with_capacity(items.len());
    for (item, time) in items.into_iter().zip(&known) {
        if slice.is_past(*time) {
            // Newest first: every item after this one is older still.
            ended = true;
            break;
        }
        if slice.holds(*time) {
            kept.push(item);
        }
    }
    let mut cut_from = None;
    if !ended {
        match next {
            Next::More(true) => {
                let Some(cursor) = last_cursor else {
                    return failed(PagingError::MissingCursor);
                };
                if !slice.followed.insert(cursor.clone()) {
                    return failed(PagingError::RepeatedCursor { cursor });
                }
                slice.cursor = Some(cursor);
                if let (Some(&newest), Some(&oldest)) = (known.first(), known.last()) {
                    let newest = match slice.hi {
                        Edge::At(hi) => newest.min(hi),
                        Edge::Own => newest,
                    };
                    cut_from = Some((newest, oldest));
                }
            }
            _ => ended = true,
        }
    }
    SliceOutcome {
        page: Ok(Ready {
            items: kept,
            meta,
            next,
            total: None,
        }),
        ended,
        cut_from,
    }
}

/// `at`, rounded down to a whole second: edges land on the times items are usually given.
fn whole_second(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("a valid time")
    }

    #[test]
    fn a_slice_keeps_its_own_times_and_asks_a_second_wider() {
        let own = TimeRange::new(Some(at(-100)), Some(at(100)));
        // (lo, hi, the range asked for)
        let cases = [
            (Edge::Own, Edge::Own, (Some(at(-100)), Some(at(100)))),
            (Edge::At(at(0)), Edge::Own, (Some(at(-1)), Some(at(100)))),
            (Edge::Own, Edge::At(at(0)), (Some(at(-100)), Some(at(1)))),
            (
                Edge::At(at(-10)),
                Edge::At(at(10)),
                (Some(at(-11)), Some(at(11))),
            ),
        ];
        for (lo, hi, (start, end)) in cases {
            let slice = Slice::new(lo, hi, own);
            assert_eq!(slice.query, TimeRange::new(start, end), "{lo:?}..{hi:?}");
        }
        // (time, held by [0, 10), past it)
        let slice = Slice::new(Edge::At(at(0)), Edge::At(at(10)), own);
        let times = [
            (at(10), false, false),
            (at(9), true, false),
            (at(0), true, false),
            (at(-1), false, true),
        ];
        for (time, held, past) in times {
            assert_eq!(
                (slice.holds(time), slice.is_past(time)),
                (held, past),
                "{time}"
            );
        }
    }

    #[test]
    fn edges_are_whole_seconds_at_or_before_the_time() {
        let cases = [
            (at(5), at(5)),
            (at(5) + TimeDelta::milliseconds(999), at(5)),
            (at(-5) + TimeDelta::milliseconds(1), at(-5)),
        ];
        for (time, edge) in cases {
            assert_eq!(whole_second(time), edge, "{time}");
        }
    }
}
