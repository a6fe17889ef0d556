//! Hand-written meaning on top of the generated types, kept beside them so that the client, the
//! fake and the CLI decide the same way. Every rule matches typed variants, so each spelling of
//! a value (the docs' `failed`, production's `FAILED`) behaves the same.

use std::{collections::HashMap, sync::LazyLock};

use crate::types::{
    ConditionOperator, ConditionType, LogicalOperator, RuleAction, RuleActionQuarantine,
    RuleActionQuarantineOp, RuleActionSkip, RuleActionSkipOp, RuleActionTag, RuleActionTagDetails,
    RuleActionTagOp, RuleMatcher, RuleMatcherCondition, RuleMatcherConditionValue,
    RunCompletionState, RunSpec, RunStatus,
};

impl RunStatus {
    /// Whether the run is still executing: running, or failing (running, with failures
    /// already). An unknown status is not assumed to be running.
    pub fn is_running(&self) -> bool {
        matches!(self, RunStatus::Running | RunStatus::Failing)
    }
}

impl RunCompletionState {
    /// Whether the run is over: complete, cancelled or timed out. An unknown state is not
    /// finished, so that a waiter keeps polling instead of reporting a result it cannot judge.
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            RunCompletionState::Complete
                | RunCompletionState::Cancelled
                | RunCompletionState::TimedOut
        )
    }
}

impl RunSpec {
    /// Whether the spec needs re-running: one of its tests failed, or the spec itself threw.
    /// Pending (`it.skip()`) and skipped (interrupted) tests do not count as failures.
    pub fn is_failed(&self) -> bool {
        self.results.as_ref().is_some_and(|results| {
            results
                .exception
                .as_ref()
                .is_some_and(|exception| !exception.is_empty())
                || results
                    .stats
                    .as_ref()
                    .and_then(|stats| stats.failures)
                    .unwrap_or(0)
                    > 0
        })
    }
}

impl RuleAction {
    /// Skip the matching tests.
    pub fn skip() -> Self {
        RuleAction::Skip(RuleActionSkip {
            op: RuleActionSkipOp::Skip,
        })
    }

    /// Run the matching tests, but do not let them fail the run.
    pub fn quarantine() -> Self {
        RuleAction::Quarantine(RuleActionQuarantine {
            op: RuleActionQuarantineOp::Quarantine,
        })
    }

    /// Add these tags to the matching tests.
    pub fn tag<I: IntoIterator<Item = T>, T: Into<String>>(tags: I) -> Self {
        RuleAction::Tag(RuleActionTag {
            op: RuleActionTagOp::Tag,
            details: RuleActionTagDetails {
                tags: tags.into_iter().map(Into::into).collect(),
            },
        })
    }
}

impl RuleMatcher {
    /// Matches tests that meet every condition.
    pub fn all(conditions: impl IntoIterator<Item = RuleMatcherCondition>) -> Self {
        RuleMatcher {
            op: LogicalOperator::And,
            cond: conditions.into_iter().collect(),
        }
    }

    /// Matches tests that meet any of the conditions.
    pub fn any(conditions: impl IntoIterator<Item = RuleMatcherCondition>) -> Self {
        RuleMatcher {
            op: LogicalOperator::Or,
            cond: conditions.into_iter().collect(),
        }
    }
}

impl RuleMatcherCondition {
    /// A condition on one property of a test: `title` `inc` `"login"`.
    pub fn on(
        type_: ConditionType,
        op: ConditionOperator,
        value: impl Into<RuleMatcherConditionValue>,
    ) -> Self {
        RuleMatcherCondition {
            type_,
            op,
            value: Some(value.into()),
        }
    }
}

impl ConditionType {
    /// Whether a condition of this type takes `op`: primitive types (`title`, `file`,
    /// `testId`, the git fields, ...) take `eq`, `neq`, `any`, `empty`, `in` and `notIn`; the
    /// others (`error_message`, `titlePath`, `annotation`, `tag`) every operator. The table is
    /// the spec's (`x-operators` on ConditionType); a type or operator it does not list is
    /// the API's to judge, and is allowed here.
    pub fn allows(&self, op: &ConditionOperator) -> bool {
        static OPERATORS: LazyLock<HashMap<String, Vec<String>>> = LazyLock::new(|| {
            serde_json::from_str::<serde_json::Value>(crate::SPEC)
                .ok()
                .and_then(|spec| {
                    let table = spec.pointer("/components/schemas/ConditionType/x-operators")?;
                    serde_json::from_value(table.clone()).ok()
                })
                .unwrap_or_default()
        });
        match OPERATORS.get(self.as_str()) {
            Some(allowed) => {
                allowed.iter().any(|allowed| allowed == op.as_str())
                    || !OPERATORS
                        .values()
                        .flatten()
                        .any(|known| known == op.as_str())
            }
            None => true,
        }
    }
}
