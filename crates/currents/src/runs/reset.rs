//! Resetting failed specs by machine, in batches the API accepts.

use std::collections::HashSet;

use currents_api::{
    operations::ResetRun,
    types::{ResetRunRequest, Text},
};
use futures_util::{StreamExt as _, stream};
use serde_json::{Map, Value};

use crate::{Error, MachineId, RunId, ValidationError, input::spec_checked, runs::Runs};

/// The most machine ids one resetRun request may carry: the spec's `maxItems`.
pub const MAX_MACHINES_PER_RESET: usize = ResetRunRequest::MACHINE_ID_MAX_ITEMS;

/// How a reset is sent, per call (like [`WaitOptions`](crate::WaitOptions)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetOptions {
    /// How many batches are in flight at once (at least 1).
    pub concurrency: usize,
    /// Whether the run uses batched orchestration (`isBatchedOr8n`); `None` leaves it to the
    /// API.
    pub batched_orchestration: Option<bool>,
}

impl Default for ResetOptions {
    /// Four batches at once; the API's default orchestration.
    fn default() -> Self {
        ResetOptions {
            concurrency: 4,
            batched_orchestration: None,
        }
    }
}

/// One resetRun request of a [`ResetReport`].
#[derive(Debug)]
pub struct ResetBatch {
    /// The machines this request reset.
    pub machines: Vec<MachineId>,
    /// The API's reset result (`data`), or why this batch failed.
    pub outcome: Result<Map<String, Value>, Error>,
}

/// What a reset did, batch by batch, in the order of the machines given.
///
/// A batch can fail while the others succeed, so a report must be read:
/// [`ResetReport::is_success`], or [`ResetReport::into_result`] for the first error.
/// [`Runs::reset_failed`] does this itself and returns [`Error::PartialReset`], with the
/// report, when one of several batches failed.
#[derive(Debug, Default)]
#[must_use = "a batch may have failed: check is_success() or call into_result()"]
pub struct ResetReport {
    /// Every request sent; empty when there was nothing to reset.
    pub batches: Vec<ResetBatch>,
}

impl ResetReport {
    /// Whether every batch succeeded (also true when nothing needed resetting).
    pub fn is_success(&self) -> bool {
        self.batches.iter().all(|batch| batch.outcome.is_ok())
    }

    /// The batches that failed.
    pub fn failed(&self) -> impl Iterator<Item = &ResetBatch> {
        self.batches.iter().filter(|batch| batch.outcome.is_err())
    }

    /// The machines of the batches that succeeded.
    pub fn machines_reset(&self) -> impl Iterator<Item = &MachineId> {
        self.batches
            .iter()
            .filter(|batch| batch.outcome.is_ok())
            .flat_map(|batch| &batch.machines)
    }

    /// The report, or the error of the first failed batch (the other batches' results are
    /// dropped; inspect [`ResetReport::batches`] to keep them).
    pub fn into_result(mut self) -> Result<Self, Error> {
        if let Some(index) = self.batches.iter().position(|batch| batch.outcome.is_err())
            && let Err(error) = self.batches.swap_remove(index).outcome
        {
            return Err(error);
        }
        Ok(self)
    }
}

/// `2 of 3 reset batches failed`, with the first failed batch's error as the cause.
impl std::fmt::Display for ResetReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} reset batches failed",
            self.failed().count(),
            self.batches.len()
        )
    }
}

impl std::error::Error for ResetReport {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.failed()
            .find_map(|batch| batch.outcome.as_ref().err())
            .map(|error| error as &(dyn std::error::Error + 'static))
    }
}

impl Runs<'_> {
    /// Resets the failed specs of any number of machines: de-duplicated, in batches of at
    /// most [`MAX_MACHINES_PER_RESET`], `options.concurrency` batches at a time. An empty list
    /// sends nothing. A failed batch does not stop the others; the report says which failed.
    pub async fn reset(
        self,
        run_id: &RunId,
        machines: impl IntoIterator<Item = MachineId>,
        options: ResetOptions,
    ) -> ResetReport {
        let mut seen = HashSet::new();
        let unique = machines
            .into_iter()
            .filter(|machine| seen.insert(machine.clone()))
            .collect::<Vec<_>>();
        let batches = stream::iter(
            unique
                .chunks(MAX_MACHINES_PER_RESET)
                .map(<[MachineId]>::to_vec),
        )
        .map(|machines| async move {
            let outcome = self.reset_batch(run_id, &machines, options).await;
            ResetBatch { machines, outcome }
        })
        .buffered(options.concurrency.max(1))
        .collect()
        .await;
        ResetReport { batches }
    }

    /// One resetRun request: 1 to [`MAX_MACHINES_PER_RESET`] machines, or a validation error.
    pub async fn reset_batch(
        self,
        run_id: &RunId,
        machines: &[MachineId],
        options: ResetOptions,
    ) -> Result<Map<String, Value>, Error> {
        let allowed = ResetRunRequest::MACHINE_ID_MIN_ITEMS..=MAX_MACHINES_PER_RESET;
        if !allowed.contains(&machines.len()) {
            let rule = format!(
                "one reset takes {} to {} machine ids; use reset() for any number",
                allowed.start(),
                allowed.end()
            );
            return Err(ValidationError::new(
                "machine ids",
                format!("{} ids", machines.len()),
                rule,
            )
            .into());
        }
        let machine_ids = machines
            .iter()
            .map(|machine| spec_checked::<Text>("machine id", machine.as_str()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut body = ResetRunRequest::new(machine_ids);
        if let Some(batched) = options.batched_orchestration {
            body = body.with_is_batched_or8n(batched);
        }
        let request = ResetRun::new(run_id.as_str(), body);
        Ok(self.client.fetch(&request).await?.into_inner())
    }

    /// Gets the run, then resets every machine that ran a spec with a failed test or an
    /// exception. Nothing is sent after the get when no spec failed. When a batch fails, the
    /// others still run, and the result is [`Error::PartialReset`] with the whole report; when
    /// the only batch fails, it is that batch's own error.
    pub async fn reset_failed(
        self,
        run_id: &RunId,
        options: ResetOptions,
    ) -> Result<ResetReport, Error> {
        let run = self.get(run_id).await?;
        let machines = run
            .specs
            .iter()
            .filter(|spec| spec.is_failed())
            .filter_map(|spec| spec.machine_id.as_deref())
            .filter_map(|machine| MachineId::new(machine).ok())
            .collect::<Vec<_>>();
        let report = self.reset(run_id, machines, options).await;
        match report.batches.len() {
            _ if report.is_success() => Ok(report),
            // One batch: its own error is the whole story (a 429 stays `is_throttled`).
            1 => report.into_result(),
            _ => Err(Error::PartialReset(Box::new(report))),
        }
    }
}
