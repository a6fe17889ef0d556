//! The paging engine: one scheduler for every walk. It owns the window of pages on their way,
//! the order pages are yielded in, the page bound, what is held in memory, and the paging
//! checks ([`super::checks`]). What it fetches next comes from the part being walked:
//!
//! - **a cursor chain** follows each page's last cursor (a list of projects, a raw `GET`);
//! - **a page fan-out** asks for the pages a page-number list's first `total` says there are,
//!   a few ahead at a time, each checked in order as a sequential walk would;
//! - **time slices** cut a time-sliced cursor list (its items ordered newest first by a time
//!   its range selects on): after a slice's page, the rest of the slice that the page's density
//!   says is long is cut into pieces of about a page each, walked side by side as chains of
//!   their own. A list without a start finds its end this way, one piece after another. Each
//!   slice keeps exactly the items whose own time falls in it (an inner edge is asked for a
//!   second wider and cut by the client), so no item is lost or comes twice at an edge.
//!
//! A walk with a window of one is the sequential walk: the next page is fetched while this one
//! is consumed. Plans are lazy: nothing is sized by a server's number (`total`, a page count)
//! beyond the page bound and the window. The window bounds the requests on their way, and the
//! pages held: at most twice the window wait for their turn, and only the part being yielded
//! may fetch beyond that. A paging error in any part stops every part after it at once. Every
//! request goes through the client, inside its in-flight cap, retry budget and cooldown.

use std::{
    collections::{HashSet, VecDeque},
    pin::Pin,
    task::{Context, Poll},
};

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt as _, stream::FuturesUnordered};
use tokio_util::task::AbortOnDropHandle;

use currents_api::operations::{Next, Position, TimeRange};

use super::{
    Bounds, Page, Pages,
    checks::{Chain, NumberPage, Numbered, distinct},
    source::{At, Fetched, Shape, Source},
};
use crate::{Error, PagingError};

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

/// Walks `source`'s list with up to `bounds.concurrency` pages on their way at once.
pub(super) fn walk<S: Source>(source: S, bounds: Bounds) -> Pages<S::Item> {
    if bounds.max_items == Some(0) {
        return Pages::new(futures_util::stream::empty().boxed());
    }
    let shape = source.shape();
    let first = if shape.sliced {
        Part::Chain(Slice::new(Edge::Own, Edge::Own, shape.range, true))
    } else {
        Part::First
    };
    let mut walker = Walker {
        source,
        shape,
        bounds,
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
        plan: None,
        numbered: Numbered::default(),
        previous_keys: HashSet::new(),
    };
    Pages::new(futures_util::stream::poll_fn(move |cx| walker.poll(cx)).boxed())
}

/// One edge of a time slice: the request's own bound, or a time the walk chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Own,
    At(DateTime<Utc>),
}

/// A cursor chain: the items of a time-sliced list with `lo <= time < hi`, or a whole list
/// that is not cut by time, and where its walk is.
#[derive(Debug)]
struct Slice {
    lo: Edge,
    hi: Edge,
    /// Whether its items are kept by their times; a chain that is not holds every item.
    timed: bool,
    /// The range asked for, fixed at the slice's start: a cut only moves `lo`, so the walk
    /// of the slice goes on with the request it began.
    query: TimeRange,
    cursor: Option<String>,
    chain: Chain,
    previous_keys: HashSet<String>,
}

impl Slice {
    fn new(lo: Edge, hi: Edge, own: TimeRange, timed: bool) -> Self {
        // The arithmetic saturates: an edge a second past the range's end of time stays at it.
        let widen = |at: DateTime<Utc>, by: TimeDelta| at.checked_add_signed(by).unwrap_or(at);
        let query = TimeRange::new(
            match lo {
                Edge::Own => own.start,
                Edge::At(at) => Some(widen(at, -EDGE_MARGIN)),
            },
            match hi {
                Edge::Own => own.end,
                Edge::At(at) => Some(widen(at, EDGE_MARGIN)),
            },
        );
        Slice {
            lo,
            hi,
            timed,
            query,
            cursor: None,
            chain: Chain::default(),
            previous_keys: HashSet::new(),
        }
    }

    fn holds(&self, at: DateTime<Utc>) -> bool {
        let below_hi = matches!(self.hi, Edge::Own) || matches!(self.hi, Edge::At(hi) if at < hi);
        below_hi && !self.is_past(at)
    }

    /// Whether `at` is within the range the slice asks for; a server that answers an item
    /// outside it does not select by the range.
    fn asked_for(&self, at: DateTime<Utc>) -> bool {
        self.query.start.is_none_or(|start| at >= start)
            && self.query.end.is_none_or(|end| at <= end)
    }

    fn is_past(&self, at: DateTime<Utc>) -> bool {
        matches!(self.lo, Edge::At(lo) if at < lo)
    }
}

#[derive(Debug)]
enum Part {
    /// The first page of a list, whose answer says how it pages.
    First,
    /// One page of a page-number list.
    Number(i64),
    /// A cursor chain: a whole list, or a time slice of one.
    Chain(Slice),
}

struct Unit<T> {
    id: u64,
    part: Part,
    /// Its pages that came and wait for their turn.
    ready: VecDeque<Result<Fetched<T>, Error>>,
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

/// The pages of a page-number list that its first `total` says there are, not yet asked for.
#[derive(Debug, Clone, Copy)]
struct Plan {
    next: i64,
    last: i64,
}

type InFlight<T> = Pin<Box<dyn Future<Output = (u64, Result<Fetched<T>, Error>)> + Send>>;

struct Walker<S: Source> {
    source: S,
    shape: Shape,
    bounds: Bounds,
    /// The parts in the order they are yielded; the front one is being yielded.
    parts: VecDeque<Unit<S::Item>>,
    next_id: u64,
    in_flight: FuturesUnordered<InFlight<S::Item>>,
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
    /// The pages of a page-number list still to be planned.
    plan: Option<Plan>,
    /// The checks of a page-number list's pages, in order.
    numbered: Numbered,
    /// The keys of the page-number page yielded last.
    previous_keys: HashSet<String>,
}

impl<S: Source> Walker<S> {
    fn paging(&self, problem: PagingError) -> Error {
        Error::Paging {
            operation: self.shape.operation.clone(),
            problem,
        }
    }

    fn ends(&mut self, error: Error) -> Poll<Option<Result<Page<S::Item>, Error>>> {
        self.finish();
        Poll::Ready(Some(Err(error)))
    }

    fn finish(&mut self) {
        self.done = true;
        self.stop();
    }

    /// Drops every part and stops every fetch: dropping one aborts its task.
    fn stop(&mut self) {
        self.parts.clear();
        self.plan = None;
        self.in_flight = FuturesUnordered::new();
    }

    fn window(&self) -> usize {
        if self.opened {
            self.bounds.concurrency
        } else {
            1
        }
    }

    /// Adds the planned pages of a page-number list that the window may reach, so that no more
    /// parts are held than it can use, whatever the `total`.
    fn top_up(&mut self, window: usize) {
        while self.parts.len() <= 2 * window
            && let Some(plan) = self.plan.as_mut()
        {
            if plan.next > plan.last {
                self.plan = None;
                return;
            }
            let page = plan.next;
            plan.next += 1;
            let id = self.fresh_id();
            self.parts.push_back(Unit::new(id, Part::Number(page)));
        }
    }

    /// Starts the fetches the window has room for, the earliest parts first.
    fn schedule(&mut self) {
        let window = self.window();
        self.top_up(window);
        // The last slice, not yet begun, is where the list's unknown rest is: its first page
        // is what the next cut is made from, so once the window is open it goes ahead of the
        // pieces already cut, and they are never left without a next piece to start.
        let last = self.parts.len().saturating_sub(1);
        let frontier = self.opened
            && last > 0
            && self.bounds.max_items.is_none()
            && matches!(&self.parts[last].part, Part::Chain(slice) if slice.timed && slice.cursor.is_none());
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
        let (position, range) = match &self.parts[index].part {
            Part::First | Part::Number(0) => (Position::First, None),
            Part::Number(page) => (Position::Page(*page), None),
            Part::Chain(slice) => (
                slice
                    .cursor
                    .clone()
                    .map_or(Position::First, Position::After),
                slice.timed.then_some(slice.query),
            ),
        };
        let unit = &mut self.parts[index];
        unit.fetching = true;
        self.issued += 1;
        let id = unit.id;
        // Dropping the walk drops the handle, which aborts the fetch's task.
        let at = At { position, range };
        let fetch = AbortOnDropHandle::new(tokio::spawn(self.source.fetch(at)));
        self.in_flight.push(Box::pin(async move {
            // The task only ends early by panicking (it is aborted only when its handle is
            // dropped): let the panic continue here.
            let fetched = fetch
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            (id, fetched)
        }));
    }

    /// Takes in a page that came for part `id`.
    fn arrive(&mut self, id: u64, fetched: Result<Fetched<S::Item>, Error>) {
        let Some(index) = self.parts.iter().position(|unit| unit.id == id) else {
            // A part dropped since (a page-number list that ended early, or a part after a
            // paging error).
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
        // The first page's answer says how the list pages.
        if matches!(self.parts[index].part, Part::First) {
            self.parts[index].part = match fetched.next {
                Next::Page(_) => Part::Number(0),
                _ => Part::Chain(Slice::new(Edge::Own, Edge::Own, self.shape.range, false)),
            };
        }
        if let Part::Number(page) = self.parts[index].part {
            if page == 0 {
                self.plan = self.planned_pages(&fetched);
            }
            let unit = &mut self.parts[index];
            unit.ended = true;
            unit.ready.push_back(Ok(fetched));
            self.buffered += 1;
            return;
        }
        let unit = &mut self.parts[index];
        let Part::Chain(slice) = &mut unit.part else {
            return;
        };
        let SliceOutcome {
            page,
            problem,
            ended,
            cut_from,
        } = take_slice_page(slice, fetched);
        unit.ended = ended;
        let failure = problem.map(|problem| self.paging(problem));
        let failed = failure.is_some();
        let added = page.map(Ok).into_iter().chain(failure.map(Err));
        let before = self.parts[index].ready.len();
        self.parts[index].ready.extend(added);
        self.buffered += self.parts[index].ready.len() - before;
        if failed {
            // A server that misbehaves for this part does so for the parts after it: stop them
            // now, rather than when this part's turn comes.
            self.drop_parts_after(index);
        } else if let Some((newest, oldest)) = cut_from {
            self.cut(index, newest, oldest);
        }
    }

    fn drop_parts_after(&mut self, index: usize) {
        let dropped = self
            .parts
            .drain(index + 1..)
            .map(|unit| unit.ready.len())
            .sum::<usize>();
        self.buffered -= dropped;
        self.plan = None;
    }

    /// The page numbers after the first that the first page's `total` says there are, within
    /// the items wanted and the page bound; none if it gives no total, no next page, or the
    /// walk does not set the page size.
    fn planned_pages(&self, first: &Fetched<S::Item>) -> Option<Plan> {
        let (Some(total), Next::Page(Some(1)), Some(limit)) =
            (first.total, &first.next, self.shape.limit)
        else {
            return None;
        };
        let wanted = self
            .bounds
            .max_items
            .map_or(total, |max| total.min(max as u64));
        let pages = wanted.div_ceil(limit.max(1) as u64);
        let bound = self.bounds.max_pages as u64;
        let last = pages.min(bound).saturating_sub(1);
        (last >= 1).then_some(Plan {
            next: 1,
            last: last as i64,
        })
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Cuts what is left of the slice at `index` (older than `oldest`, the last time of its
    /// page, which spanned back from `newest`) into pieces, if its density says it is long and
    /// the window can walk pieces side by side.
    fn cut(&mut self, index: usize, newest: DateTime<Utc>, oldest: DateTime<Utc>) {
        let Part::Chain(Slice {
            lo, timed: true, ..
        }) = self.parts[index].part
        else {
            return;
        };
        if self.bounds.concurrency < 2 {
            return;
        }
        let span = (newest - oldest).max(MIN_SPAN);
        let floor = match lo {
            Edge::At(at) => Some(at),
            Edge::Own => self.shape.range.start,
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
        let mut at = oldest.checked_sub_signed(piece).map(whole_second);
        for _ in 0..count {
            let Some(edge) = at.filter(|edge| floor.is_none_or(|floor| *edge > floor)) else {
                break;
            };
            edges.push(edge);
            at = edge.checked_sub_signed(piece).map(whole_second);
        }
        let Some(&first) = edges.first() else {
            return;
        };
        if let Part::Chain(slice) = &mut self.parts[index].part {
            slice.lo = Edge::At(first);
        }
        let after = self.parts.split_off(index + 1);
        for (n, hi) in edges.iter().enumerate() {
            let piece_lo = edges.get(n + 1).map_or(lo, |&at| Edge::At(at));
            let slice = Slice::new(piece_lo, Edge::At(*hi), self.shape.range, true);
            let id = self.fresh_id();
            self.parts.push_back(Unit::new(id, Part::Chain(slice)));
        }
        self.parts.extend(after);
    }

    /// The next page in order, if it has come.
    fn next_ready(&mut self) -> Option<Result<Page<S::Item>, Error>> {
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
            if let Part::Number(page) = front.part
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
    fn follow_number(&mut self, page: i64, ready: &Fetched<S::Item>) -> Result<(), PagingError> {
        let reached = self
            .bounds
            .max_items
            .is_some_and(|max| self.yielded_items + ready.items.len() >= max);
        let number_page = NumberPage {
            page,
            items: ready.items.len(),
            total: ready.total,
            next: match ready.next {
                Next::Page(next) => next,
                _ => None,
            },
        };
        // A list that changed explains an item that comes again, so it is told first.
        let followed = self.numbered.follow(number_page, self.shape.limit);
        if let Err(changed @ PagingError::ListChanged { .. }) = followed {
            return Err(changed);
        }
        self.previous_keys = distinct(&ready.keys, &self.previous_keys)?;
        let next = match followed {
            Ok(next) => next.filter(|_| !reached),
            // The page is whole; the problem is the walk's next answer, so that what came
            // before it is not lost.
            Err(problem) => {
                self.deferred = Some(problem);
                return Ok(());
            }
        };
        let Some(next) = next else {
            // The end: the pages planned after it are not wanted.
            self.parts.truncate(1);
            self.plan = None;
            return Ok(());
        };
        if self.yielded_pages + 1 >= self.bounds.max_pages {
            let pages = self.bounds.max_pages;
            self.deferred = Some(PagingError::PageLimit { pages });
            return Ok(());
        }
        // Pages the list skipped over are not wanted; the one it points at comes next.
        self.parts
            .retain(|unit| !matches!(unit.part, Part::Number(p) if page < p && p < next));
        if let Some(plan) = self.plan.as_mut() {
            plan.next = plan.next.max(next + 1);
        }
        let planned = self
            .parts
            .get(1)
            .is_some_and(|unit| matches!(unit.part, Part::Number(p) if p == next));
        if !planned {
            let id = self.fresh_id();
            self.parts.insert(1, Unit::new(id, Part::Number(next)));
        }
        Ok(())
    }

    /// The page to yield, cut to the items still wanted; `None` for an empty page after the
    /// first.
    fn yield_page(&mut self, ready: Fetched<S::Item>) -> Option<Result<Page<S::Item>, Error>> {
        let mut items = ready.items;
        if let Some(max) = self.bounds.max_items {
            items.truncate(max - self.yielded_items);
            if self.yielded_items + items.len() >= max {
                self.stop();
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

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Page<S::Item>, Error>>> {
        if self.done {
            return Poll::Ready(None);
        }
        if self.yielded_pages > 0 {
            self.opened = true;
        }
        loop {
            if let Some(problem) = self.deferred.take() {
                let error = self.paging(problem);
                return self.ends(error);
            }
            self.schedule();
            if let Poll::Ready(Some((id, fetched))) = self.in_flight.poll_next_unpin(cx) {
                self.arrive(id, fetched);
                continue;
            }
            let (parts, buffered) = (self.parts.len(), self.buffered);
            match self.next_ready() {
                Some(Ok(page)) => return Poll::Ready(Some(Ok(page))),
                Some(Err(error)) => return self.ends(error),
                None => {}
            }
            if self.parts.is_empty() && self.plan.is_none() {
                self.finish();
                return Poll::Ready(None);
            }
            // A part ended or an empty page was passed over: the part now being yielded may
            // start the fetch that the window held back before.
            if (self.parts.len(), self.buffered) != (parts, buffered) {
                continue;
            }
            // The part being yielded needs a page the page bound does not allow.
            if self.in_flight.is_empty() && self.issued >= self.bounds.max_pages {
                let pages = self.bounds.max_pages;
                let error = self.paging(PagingError::PageLimit { pages });
                return self.ends(error);
            }
            return Poll::Pending;
        }
    }
}

struct SliceOutcome<T> {
    /// The chain's own items of the page; `None` if the page itself is refused.
    page: Option<Fetched<T>>,
    /// Why the chain cannot go on after it.
    problem: Option<PagingError>,
    ended: bool,
    /// The newest and oldest times of the page, when the slice goes on and may be cut.
    cut_from: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Keeps the items of a chain's page that are the chain's own, and finds where it goes next.
fn take_slice_page<T>(slice: &mut Slice, mut fetched: Fetched<T>) -> SliceOutcome<T> {
    let refused = |problem| SliceOutcome {
        page: None,
        problem: Some(problem),
        ended: true,
        cut_from: None,
    };
    let mut known = Vec::with_capacity(fetched.times.len());
    if slice.timed {
        for (key, time) in fetched.keys.iter().zip(&fetched.times) {
            match time {
                Some(time) if slice.asked_for(*time) => known.push(*time),
                Some(time) => {
                    return refused(PagingError::OutOfRange {
                        id: key.clone(),
                        time: *time,
                    });
                }
                None => return refused(PagingError::MissingTime { id: key.clone() }),
            }
        }
    }
    match distinct(&fetched.keys, &slice.previous_keys) {
        Ok(seen) => slice.previous_keys = seen,
        Err(problem) => return refused(problem),
    }
    let items = std::mem::take(&mut fetched.items);
    let mut ended = items.is_empty();
    let mut kept = Vec::with_capacity(items.len());
    for (n, item) in items.into_iter().enumerate() {
        if let Some(time) = known.get(n) {
            if slice.is_past(*time) {
                // Newest first: every item after this one is older still.
                ended = true;
                break;
            }
            if !slice.holds(*time) {
                continue;
            }
        }
        kept.push(item);
    }
    let (mut cut_from, mut problem) = (None, None);
    if !ended {
        match fetched.next {
            Next::More(true) => match slice.chain.follow(fetched.last_cursor.take()) {
                Ok(cursor) => {
                    slice.cursor = Some(cursor);
                    if let (Some(&newest), Some(&oldest)) = (known.first(), known.last()) {
                        let newest = match slice.hi {
                            Edge::At(hi) => newest.min(hi),
                            Edge::Own => newest,
                        };
                        cut_from = Some((newest, oldest));
                    }
                }
                // The page is whole; only the way on from it is refused.
                Err(refusal) => (problem, ended) = (Some(refusal), true),
            },
            _ => ended = true,
        }
    }
    SliceOutcome {
        // The keys and times checked the page; it waits for its turn without them.
        page: Some(Fetched {
            items: kept,
            keys: Vec::new(),
            times: Vec::new(),
            ..fetched
        }),
        problem,
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
            let slice = Slice::new(lo, hi, own, true);
            assert_eq!(slice.query, TimeRange::new(start, end), "{lo:?}..{hi:?}");
        }
        // (time, held by [0, 10), past it)
        let slice = Slice::new(Edge::At(at(0)), Edge::At(at(10)), own, true);
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
