//! Waiting for a run to finish, with backoff and a hard deadline.

use std::time::Duration;

use currents_api::types::{Run, RunCompletionState, RunStatus};
use tokio::time::{Instant, sleep, timeout_at};

use crate::{Error, RunId, runs::Runs};

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

/// Whether a run is done: its completion state says so, or, for a completion state this
/// version does not know, its status is not `running`. A status and state that are both
/// unknown count as done, so that `wait_for` never polls a run it cannot judge until its
/// deadline.
pub fn is_finished(run: &Run) -> bool {
    match &run.completion_state {
        RunCompletionState::Incomplete => false,
        RunCompletionState::Unknown(_) => run.status != RunStatus::Running,
        _ => true,
    }
}

impl Runs<'_> {
    /// Polls the run until it is no longer running and returns it. It never waits past
    /// `options.timeout`: at the deadline it stops with [`Error::WaitTimeout`].
    pub async fn wait_for(&self, run_id: &RunId, options: WaitOptions) -> Result<Run, Error> {
        self.wait_for_each(run_id, options, |_| {}).await
    }

    /// [`Runs::wait_for`], calling `on_poll` with the run after every poll, for progress.
    pub async fn wait_for_each(
        &self,
        run_id: &RunId,
        options: WaitOptions,
        mut on_poll: impl FnMut(&Run),
    ) -> Result<Run, Error> {
        let started = Instant::now();
        let deadline = started + options.timeout;
        let max_interval = options.poll.saturating_mul(4);
        let mut interval = options.poll;
        let mut last_status = "running".to_owned();
        loop {
            let timed_out = || Error::WaitTimeout {
                run_id: run_id.as_str().to_owned(),
                waited: started.elapsed(),
                last_status: last_status.clone(),
            };
            let Ok(polled) = timeout_at(deadline, self.get(run_id)).await else {
                return Err(timed_out());
            };
            let run = polled?;
            on_poll(&run);
            if is_finished(&run) {
                return Ok(run);
            }
            last_status = run.status.to_string();
            tracing::debug!(run_id = run_id.as_str(), status = %run.status, "run not finished; polling again");
            if Instant::now() + interval >= deadline {
                sleep(deadline.saturating_duration_since(Instant::now())).await;
                return Err(Error::WaitTimeout {
                    run_id: run_id.as_str().to_owned(),
                    waited: started.elapsed(),
                    last_status,
                });
            }
            sleep(interval).await;
            interval = interval.mul_f64(1.5).min(max_interval);
        }
    }
}
