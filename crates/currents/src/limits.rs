//! Limits shared by every clone of a client, so that the many tasks of a service act as one
//! caller: a cap on requests in flight, a retry budget, and a cooldown after a throttle.
//!
//! - **In flight.** Each attempt holds a permit while it is sent and its body read; waits
//!   between attempts hold none.
//! - **Retry budget**, as aws-sdk-rust's token bucket: a retry spends tokens, a success
//!   refunds some, and an empty bucket turns a retryable failure into the final answer. Against
//!   an API that is down, calls then stop multiplying the load on it.
//! - **Cooldown.** A 429 with `Retry-After` holds back every call's next attempt until it has
//!   passed. Then one attempt goes first (the probe); the others follow once it is answered
//!   with anything but another 429, so that a throttle that outlasts one `Retry-After` is met
//!   by one request, not by every waiting task at once.

use std::{
    sync::{
        Mutex, PoisonError,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use tokio::{
    sync::{Notify, Semaphore, SemaphorePermit},
    time::Instant,
};

/// The default cap on requests in flight for one client and its clones.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 32;

/// How many retries a client may make, shared by all its calls: a token bucket, as in
/// aws-sdk-rust. Each retry spends [`retry_cost`](Self::with_retry_cost) tokens (a retry after a
/// timeout spends [`timeout_retry_cost`](Self::with_timeout_retry_cost)); a call that succeeds
/// on its first attempt adds [`success_refund`](Self::with_success_refund) back, and one that
/// succeeds after retries gives back what its retries spent. When the bucket cannot pay for a
/// retry, the failure is returned at once, as the typed error it is.
///
/// The default holds 500 tokens at 5 a retry: 100 retries in a row with no success between
/// them, after which a client against an API that is down makes one request per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_retry_cost: u32,
    success_refund: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refund: 1,
        }
    }
}

impl RetryBudget {
    /// No budget: every retry the [`RetryPolicy`](crate::RetryPolicy) allows is made.
    pub fn unlimited() -> Self {
        RetryBudget {
            retry_cost: 0,
            timeout_retry_cost: 0,
            ..RetryBudget::default()
        }
    }

    /// The most tokens the bucket holds, and how many it starts with.
    pub fn with_capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// The tokens a retry spends.
    pub fn with_retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// The tokens a retry after a timed-out or cut-off attempt spends.
    pub fn with_timeout_retry_cost(mut self, tokens: u32) -> Self {
        self.timeout_retry_cost = tokens;
        self
    }

    /// The tokens a call that succeeds on its first attempt adds back.
    pub fn with_success_refund(mut self, tokens: u32) -> Self {
        self.success_refund = tokens;
        self
    }

    /// The most tokens the bucket holds.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

/// What a client's shared limits hold at one moment, for a service's metrics or health check:
/// [`Client::limits_status`](crate::Client::limits_status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LimitsStatus {
    /// The in-flight places free now, of [`Config::max_in_flight`](crate::Config::max_in_flight).
    pub free_places: usize,
    /// The tokens left in the retry budget.
    pub retry_tokens: u32,
    /// Whether a throttle's cooldown holds attempts back, or its probe is still out.
    pub cooling_down: bool,
}

/// The kind of failure a retry follows, which decides its cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryCost {
    Failure,
    Timeout,
}

/// The limits of one client, shared by its clones.
#[derive(Debug)]
pub(crate) struct Limits {
    in_flight: Semaphore,
    budget: RetryBudget,
    tokens: AtomicU32,
    cooldown: Mutex<Cooldown>,
    cooled: Notify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cooldown {
    Open,
    Until(Instant),
    Probing,
}

impl Limits {
    pub(crate) fn new(max_in_flight: usize, budget: RetryBudget) -> Self {
        Limits {
            in_flight: Semaphore::new(max_in_flight.max(1)),
            budget,
            tokens: AtomicU32::new(budget.capacity),
            cooldown: Mutex::new(Cooldown::Open),
            cooled: Notify::new(),
        }
    }

    /// A permit to send one attempt, once the cooldown allows it and a place is free.
    ///
    /// Dropped at either wait, it leaves nothing behind: the probe's role is held by a guard
    /// from the poll that takes it, so a call cancelled while the probe waits for a place
    /// hands the role back instead of leaving every other call waiting for its answer.
    pub(crate) async fn admit(&self) -> Admission<'_> {
        let probe = Probe {
            limits: self,
            held: self.wait_for_cooldown().await,
        };
        let permit = self
            .in_flight
            .acquire()
            .await
            .expect("the in-flight semaphore is never closed");
        Admission {
            probe,
            _permit: permit,
        }
    }

    /// Waits until no cooldown holds attempts back; true if this attempt is the probe.
    async fn wait_for_cooldown(&self) -> bool {
        loop {
            // Registered before the state is read, so that no wake-up between the two is lost.
            let cooled = self.cooled.notified();
            let wait_until = {
                let mut state = self.cooldown();
                match *state {
                    Cooldown::Open => return false,
                    Cooldown::Until(until) if Instant::now() >= until => {
                        *state = Cooldown::Probing;
                        return true;
                    }
                    Cooldown::Until(until) => Some(until),
                    Cooldown::Probing => None,
                }
            };
            match wait_until {
                // Woken early if the cooldown changes (a probe answered, a longer throttle).
                Some(until) => drop(tokio::time::timeout_at(until, cooled).await),
                None => cooled.await,
            }
        }
    }

    /// Pays for a retry from the budget: the tokens it took, or `None` if it cannot be paid.
    pub(crate) fn spend(&self, cost: RetryCost) -> Option<u32> {
        let tokens = match cost {
            RetryCost::Failure => self.budget.retry_cost,
            RetryCost::Timeout => self.budget.timeout_retry_cost,
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(tokens)
            })
            .ok()
            .map(|_| tokens)
    }

    /// Gives tokens back after a success: what the call's retries spent, or the success refund
    /// for a call that needed none.
    pub(crate) fn refund(&self, spent: u32) {
        self.restore(if spent == 0 {
            self.budget.success_refund
        } else {
            spent
        });
    }

    /// Puts tokens back, up to the capacity.
    fn restore(&self, tokens: u32) {
        let capacity = self.budget.capacity;
        // Never fails: the closure always returns a value.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                Some(left.saturating_add(tokens).min(capacity))
            });
    }

    /// The tokens left in the budget.
    pub(crate) fn tokens(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }

    pub(crate) fn status(&self) -> LimitsStatus {
        let cooling_down = match *self.cooldown() {
            Cooldown::Open => false,
            Cooldown::Until(until) => until > Instant::now(),
            Cooldown::Probing => true,
        };
        LimitsStatus {
            free_places: self.in_flight.available_permits(),
            retry_tokens: self.tokens(),
            cooling_down,
        }
    }

    fn cooldown(&self) -> std::sync::MutexGuard<'_, Cooldown> {
        // The state is a plain value that every update leaves whole.
        self.cooldown.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn throttled(&self, wait: Duration) {
        let until = later(Instant::now(), wait);
        let mut state = self.cooldown();
        *state = match *state {
            Cooldown::Until(current) if current > until => Cooldown::Until(current),
            _ => Cooldown::Until(until),
        };
        drop(state);
        self.cooled.notify_waiters();
    }

    fn probe_answered(&self) {
        let mut state = self.cooldown();
        if *state == Cooldown::Probing {
            *state = Cooldown::Open;
        }
        drop(state);
        self.cooled.notify_waiters();
    }
}

/// What one call's retries take from the budget. A retry paid for but not yet sent (the call
/// dropped while it waits to send it) is given back when this is dropped, so that a cancelled
/// call leaves the budget as if it had not asked for that retry.
#[derive(Debug)]
pub(crate) struct Spending<'a> {
    limits: &'a Limits,
    spent: AtomicU32,
    unsent: AtomicU32,
}

impl<'a> Spending<'a> {
    pub(crate) fn new(limits: &'a Limits) -> Self {
        Spending {
            limits,
            spent: AtomicU32::new(0),
            unsent: AtomicU32::new(0),
        }
    }

    /// Pays for a retry, if the budget can; it counts as spent once [`sent`](Self::sent).
    pub(crate) fn pay(&self, cost: RetryCost) -> bool {
        let paid = self.limits.spend(cost);
        if let Some(tokens) = paid {
            self.unsent.fetch_add(tokens, Ordering::AcqRel);
        }
        paid.is_some()
    }

    /// The retry paid for is on its way.
    pub(crate) fn sent(&self) {
        let tokens = self.unsent.swap(0, Ordering::AcqRel);
        self.spent.fetch_add(tokens, Ordering::AcqRel);
    }

    /// The call succeeded: what its retries spent goes back, or the success refund.
    pub(crate) fn succeeded(&self) {
        self.sent();
        self.limits.refund(self.spent.swap(0, Ordering::AcqRel));
    }
}

impl Drop for Spending<'_> {
    fn drop(&mut self) {
        let unsent = self.unsent.swap(0, Ordering::AcqRel);
        if unsent > 0 {
            self.limits.restore(unsent);
        }
    }
}

/// `now + wait`, or a time too far ahead to matter where that is past what an `Instant`
/// holds: a server's `Retry-After` never makes the arithmetic panic.
pub(crate) fn later(now: Instant, wait: Duration) -> Instant {
    /// About thirty years: later than any call's deadline, and within every platform's `Instant`.
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    now.checked_add(wait)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}

/// The probe's role, while an attempt holds it; dropped (the attempt answered, cancelled or
/// timed out), it lets the others go.
#[derive(Debug)]
struct Probe<'a> {
    limits: &'a Limits,
    held: bool,
}

impl Drop for Probe<'_> {
    fn drop(&mut self) {
        if self.held {
            self.limits.probe_answered();
        }
    }
}

/// The right to send one attempt. It is told how the attempt ended; dropped untold (a call
/// cancelled or timed out mid-attempt), a probe lets the others go.
#[derive(Debug)]
pub(crate) struct Admission<'a> {
    probe: Probe<'a>,
    _permit: SemaphorePermit<'a>,
}

impl Admission<'_> {
    /// The attempt was throttled: hold back every call for `retry_after`.
    pub(crate) fn throttled(mut self, retry_after: Duration) {
        self.probe.held = false;
        self.probe.limits.throttled(retry_after);
    }

    #[cfg(test)]
    fn is_probe(&self) -> bool {
        self.probe.held
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn the_budget_spends_refunds_and_runs_dry() {
        let limits = Limits::new(1, RetryBudget::default().with_capacity(12));
        assert_eq!(limits.spend(RetryCost::Failure), Some(5));
        assert_eq!(limits.spend(RetryCost::Failure), Some(5));
        assert_eq!(limits.tokens(), 2);
        let refused = limits.spend(RetryCost::Failure);
        assert_eq!(refused, None, "5 tokens do not fit in 2");
        limits.refund(0);
        assert_eq!(limits.tokens(), 3, "a first-time success adds 1");
        limits.refund(10);
        let refunded = limits.tokens();
        assert_eq!(
            refunded, 12,
            "a success after retries gives back what they spent"
        );
        limits.refund(10);
        assert_eq!(limits.tokens(), 12, "never above the capacity");
        let timeout = limits.spend(RetryCost::Timeout);
        assert_eq!(timeout, Some(10), "a retry after a timeout costs 10");
        assert_eq!(limits.tokens(), 2);
        let unlimited = Limits::new(1, RetryBudget::unlimited().with_capacity(0));
        assert!((0..1000).all(|_| unlimited.spend(RetryCost::Timeout).is_some()));
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_throttle_holds_everyone_back_then_one_probe_goes_first() {
        let limits = Arc::new(Limits::new(8, RetryBudget::default()));
        limits.admit().await.throttled(Duration::from_secs(1));
        let started = Instant::now();
        let order = Arc::new(Mutex::new(Vec::new()));
        let tasks = (0..4)
            .map(|task| {
                let (limits, order) = (limits.clone(), order.clone());
                tokio::spawn(async move {
                    let admission = limits.admit().await;
                    let probe = admission.is_probe();
                    order
                        .lock()
                        .expect("order")
                        .push((task, probe, started.elapsed()));
                    // The probe takes a while to be answered; the others must wait for it.
                    if probe {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                    }
                })
            })
            .collect::<Vec<_>>();
        for task in tasks {
            task.await.expect("task");
        }
        let order = order.lock().expect("order").clone();
        assert_eq!(
            order.iter().filter(|(_, probe, _)| *probe).count(),
            1,
            "{order:?}"
        );
        let (_, _, probe_at) = order[0];
        assert!(order[0].1, "the probe goes first: {order:?}");
        assert_eq!(
            probe_at,
            Duration::from_secs(1),
            "not before the Retry-After"
        );
        for (_, _, at) in &order[1..] {
            assert_eq!(
                *at,
                Duration::from_millis(1300),
                "the rest follow the probe's answer"
            );
        }
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_probe_throttled_again_extends_the_cooldown() {
        let limits = Limits::new(8, RetryBudget::default());
        limits.admit().await.throttled(Duration::from_secs(1));
        let started = Instant::now();
        let probe = limits.admit().await;
        assert!(probe.is_probe());
        probe.throttled(Duration::from_secs(2));
        let next = limits.admit().await;
        assert!(
            next.is_probe(),
            "after the second cooldown, again one probe"
        );
        assert_eq!(started.elapsed(), Duration::from_secs(3));
    }
}
