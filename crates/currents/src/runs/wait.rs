//! Waiting for a run to finish, with backoff and a hard deadline.

use std::time::Duration;

use currents_api::types::{Run, RunCompletionState};
use tokio::time::{Instant, sleep, timeout_at};

use crate::{Error, Received, RunId, limits::later, runs::Runs};

/// How `wait_for` polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// The first interval between polls; it grows by half each poll, up to four times this.
    pub poll: Duration,
    /// How long to wait in all before giving up with [`Error::WaitTimeout`].
    pub timeout: Duration,
}

impl Default for WaitOptions {
    /// Poll every 10 s at first; give up after 30 minutes.
    fn default() -> Self {
        WaitOptions {
            poll: Duration::from_secs(10),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// Whether a run is done: its completion state is complete, cancelled or timed out, in any
/// spelling. A completion state this version does not know is not done, so `wait_for` keeps
/// polling (until the state becomes one it knows, or its deadline) rather than report an
/// outcome it cannot judge.
pub fn is_finished(run: &Run) -> bool {
    run.completion_state.is_finished()
}

impl Runs<'_> {
    /// Polls the run until it is no longer running and returns it. It never waits past
    /// `options.timeout`: at the deadline it stops with [`Error::WaitTimeout`].
    pub async fn wait_for(
        self,
        run_id: &RunId,
        options: WaitOptions,
    ) -> Result<Received<Run>, Error> {
        self.wait_for_each(run_id, options, |_| {}).await
    }

    /// [`Runs::wait_for`], calling `on_poll` with the run after every poll, for progress.
    pub async fn wait_for_each(
        self,
        run_id: &RunId,
        options: WaitOptions,
        mut on_poll: impl FnMut(&Run),
    ) -> Result<Received<Run>, Error> {
        let started = Instant::now();
        // Saturating, like every sum of an `Instant` and a caller's duration here.
        let deadline = later(started, options.timeout);
        let max_interval = options.poll.saturating_mul(4);
        let mut interval = options.poll;
        let mut last_status = None;
        let mut warned = false;
        loop {
            let timed_out = |last_status| Error::WaitTimeout {
                run_id: run_id.as_str().to_owned(),
                waited: started.elapsed(),
                last_status,
            };
            let Ok(polled) = timeout_at(deadline, self.get(run_id)).await else {
                return Err(timed_out(last_status));
            };
            let run = polled?;
            on_poll(&run);
            if is_finished(&run) {
                return Ok(run);
            }
            if let RunCompletionState::Unknown(state) = &run.completion_state
                && !std::mem::replace(&mut warned, true)
            {
                tracing::warn!(
                    run_id = run_id.as_str(),
                    completion_state = state.as_str(),
                    "the run's completion state is one this version does not know; \
                     waiting until it is known or the deadline passes"
                );
            }
            last_status = Some(run.status.clone());
            tracing::debug!(run_id = run_id.as_str(), status = %run.status, "run not finished; polling again");
            if later(Instant::now(), interval) >= deadline {
                sleep(deadline.saturating_duration_since(Instant::now())).await;
                return Err(timed_out(last_status));
            }
            sleep(interval).await;
            interval = interval.saturating_add(interval / 2).min(max_interval);
        }
    }
}
