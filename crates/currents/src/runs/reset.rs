//! Resetting failed specs by machine, in batches the API accepts.

use std::collections::HashSet;

use currents_api::types::{ResetRunRequest, ResetRunResponse, Text};
use futures_util::{StreamExt as _, stream};
use reqwest::Method;
use serde_json::{Map, Value};

use crate::{
    Error, MachineId, RunId, ValidationError, input::spec_checked, runs::Runs, transport::Call,
};

/// The most machine ids one resetRun request may carry.
pub const MAX_MACHINES_PER_RESET: usize = 63;

/// One resetRun request of a [`ResetReport`].
#[derive(Debug)]
pub struct ResetBatch {
    /// The machines this request reset.
    pub machines: Vec<MachineId>,
    /// The API's reset result (`data`), or why this batch failed.
    pub outcome: Result<Map<String, Value>, Error>,
}

/// What a reset did, batch by batch, in the order of the machines given.
#[derive(Debug, Default)]
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

impl Runs<'_> {
    /// Resets the failed specs of any number of machines: de-duplicated, in batches of at
    /// most [`MAX_MACHINES_PER_RESET`], a few batches at a time. An empty list sends nothing.
    /// A failed batch does not stop the others; the report says which failed.
    pub async fn reset(
        &self,
        run_id: &RunId,
        machines: impl IntoIterator<Item = MachineId>,
    ) -> ResetReport {
        let mut seen = HashSet::new();
        let unique = machines
            .into_iter()
            .filter(|machine| seen.insert(machine.clone()))
            .collect::<Vec<_>>();
        let concurrency = self.client.config().reset_concurrency;
        let batches = stream::iter(
            unique
                .chunks(MAX_MACHINES_PER_RESET)
                .map(<[MachineId]>::to_vec),
        )
        .map(|machines| async move {
            let outcome = self.reset_batch(run_id, &machines).await;
            ResetBatch { machines, outcome }
        })
        .buffered(concurrency)
        .collect()
        .await;
        ResetReport { batches }
    }

    /// One resetRun request: 1 to [`MAX_MACHINES_PER_RESET`] machines, or a validation error.
    pub async fn reset_batch(
        &self,
        run_id: &RunId,
        machines: &[MachineId],
    ) -> Result<Map<String, Value>, Error> {
        if !(1..=MAX_MACHINES_PER_RESET).contains(&machines.len()) {
            let rule = format!(
                "one reset takes 1 to {MAX_MACHINES_PER_RESET} machine ids; use reset() for any number"
            );
            return Err(ValidationError::new(
                "machine ids",
                format!("{} ids", machines.len()),
                rule,
            )
            .into());
        }
        let request = ResetRunRequest {
            machine_id: machines
                .iter()
                .map(|machine| spec_checked::<Text>("machine id", machine.as_str()))
                .collect::<Result<_, _>>()?,
            is_batched_or8n: None,
        };
        let body = serde_json::to_vec(&request).expect("a plain struct serialises");
        let url = self.client.url(&["runs", run_id.as_str(), "reset"]);
        let call = Call {
            operation: "resetRun",
            method: Method::PUT,
            url,
            body: Some(body),
        };
        let response: ResetRunResponse = self.client.send(call).await?.decode("resetRun")?;
        Ok(response.data)
    }

    /// Gets the run, then resets every machine that ran a spec with a failed test or an
    /// exception. Nothing is sent after the get when no spec failed.
    pub async fn reset_failed(&self, run_id: &RunId) -> Result<ResetReport, Error> {
        let run = self.get(run_id).await?;
        let machines = run
            .specs
            .iter()
            .filter(|spec| spec.is_failed())
            .filter_map(|spec| spec.machine_id.as_deref())
            .filter_map(|machine| MachineId::new(machine).ok())
            .collect::<Vec<_>>();
        Ok(self.reset(run_id, machines).await)
    }
}
