//! The Actions operations, reached through [`Client::actions`]: rules that skip, quarantine or
//! tag the tests they match.

use currents_api::{
    operations::{
        CreateAction, DeleteAction, DisableAction, EnableAction, GetAction,
        ListActionTestExecutions, ListActions, ListAffectedTestExecutions, ListAffectedTests,
        UpdateAction,
    },
    types::{
        Action, CreateActionRequest, RuleAction, RuleActionTag, RuleMatcher, UpdateActionRequest,
    },
};

use std::ops::Range;

use chrono::{DateTime, DurationRound as _, SecondsFormat, TimeDelta, Utc};

use crate::{
    ActionId, Client, Error, ProjectId, Received, TestSignature, ValidationError,
    query::{Query, check_range},
};

/// A date range as the affected-tests operations take it: RFC 3339 text to the millisecond,
/// which is all the API reads (a JavaScript date). The end is rounded up, so that the range
/// still holds what happened in its last millisecond.
fn dates(range: &Range<DateTime<Utc>>) -> Result<(String, String), ValidationError> {
    check_range(range.start, range.end)?;
    let text = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Millis, true);
    let end = range
        .end
        .duration_round_up(TimeDelta::milliseconds(1))
        .unwrap_or(range.end);
    Ok((text(range.start), text(end)))
}

/// The Actions operations of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Actions<'a> {
    client: &'a Client,
}

impl<'a> Actions<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Actions { client }
    }

    /// A project's actions (listActions), walked like every list; the API answers them all at
    /// once, so the walk is one request.
    pub fn list(self, project: &ProjectId) -> Query<'a, ListActions> {
        Query::new(self.client, Ok(ListActions::new(project.as_str())))
    }

    /// The tests that the project's actions applied to in a date range (listAffectedTests),
    /// one per test, most recently seen first. A preview operation of Currents'.
    pub fn affected_tests(
        self,
        project: &ProjectId,
        range: Range<DateTime<Utc>>,
    ) -> Query<'a, ListAffectedTests> {
        let request =
            dates(&range).map(|(start, end)| ListAffectedTests::new(project.as_str(), start, end));
        Query::new(self.client, request)
    }

    /// The executions of one test that actions applied to (listAffectedTestExecutions).
    pub fn affected_test_executions(
        self,
        project: &ProjectId,
        test: &TestSignature,
        range: Range<DateTime<Utc>>,
    ) -> Query<'a, ListAffectedTestExecutions> {
        let request = dates(&range).map(|(start, end)| {
            ListAffectedTestExecutions::new(test.as_str(), project.as_str(), start, end)
        });
        Query::new(self.client, request)
    }

    /// The test executions one action applied to (listActionTestExecutions).
    pub fn executions(
        self,
        action: &ActionId,
        range: Range<DateTime<Utc>>,
    ) -> Query<'a, ListActionTestExecutions> {
        let request = dates(&range)
            .map(|(start, end)| ListActionTestExecutions::new(action.as_str(), start, end));
        Query::new(self.client, request)
    }

    /// An action by id (getAction).
    pub async fn get(self, action: &ActionId) -> Result<Received<Action>, Error> {
        self.client.fetch(&GetAction::new(action.as_str())).await
    }

    /// Creates an action, active, in a project (createAction).
    ///
    /// Creating is not idempotent, so a lost answer is not retried: see the retry table in the
    /// crate documentation.
    pub async fn create(
        self,
        project: &ProjectId,
        action: CreateActionRequest,
    ) -> Result<Received<Action>, Error> {
        check_rules(&action.action, true)?;
        check_matcher(&action.matcher)?;
        self.client
            .fetch(&CreateAction::new(project.as_str(), action))
            .await
    }

    /// Changes the fields that `update` sets (updateAction); at least one must be set.
    pub async fn update(
        self,
        action: &ActionId,
        update: UpdateActionRequest,
    ) -> Result<Received<Action>, Error> {
        if update == UpdateActionRequest::default() {
            return Err(
                ValidationError::new("action update", "{}", "must set at least one field").into(),
            );
        }
        check_rules(&update.action, false)?;
        if let Some(matcher) = &update.matcher {
            check_matcher(matcher)?;
        }
        self.client
            .fetch(&UpdateAction::new(action.as_str(), update))
            .await
    }

    /// Archives an action (deleteAction): a soft delete, after which it reads as archived.
    pub async fn delete(self, action: &ActionId) -> Result<(), Error> {
        self.client
            .fetch(&DeleteAction::new(action.as_str()))
            .await
            .map(drop)
    }

    /// Enables a disabled action (enableAction).
    pub async fn enable(self, action: &ActionId) -> Result<Received<Action>, Error> {
        self.client.fetch(&EnableAction::new(action.as_str())).await
    }

    /// Disables an action until it is enabled again (disableAction).
    pub async fn disable(self, action: &ActionId) -> Result<Received<Action>, Error> {
        self.client
            .fetch(&DisableAction::new(action.as_str()))
            .await
    }
}

/// The spec's limits on rules that the generated types do not enforce themselves.
fn check_rules(rules: &[RuleAction], required: bool) -> Result<(), ValidationError> {
    if required && rules.len() < CreateActionRequest::ACTION_MIN_ITEMS {
        return Err(ValidationError::new(
            "action rules",
            "[]",
            format!(
                "needs at least {} rule",
                CreateActionRequest::ACTION_MIN_ITEMS
            ),
        ));
    }
    for rule in rules {
        if let RuleAction::Tag(RuleActionTag { details, .. }) = rule {
            let max = currents_api::types::RuleActionTagDetails::TAGS_MAX_ITEMS;
            if details.tags.len() > max {
                return Err(ValidationError::new(
                    "tag rule",
                    details.tags.join(", "),
                    format!(
                        "adds {} tags; at most {max} are allowed",
                        details.tags.len()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_matcher(matcher: &RuleMatcher) -> Result<(), ValidationError> {
    if matcher.cond.len() < RuleMatcher::COND_MIN_ITEMS {
        return Err(ValidationError::new(
            "matcher",
            "[]",
            format!("needs at least {} condition", RuleMatcher::COND_MIN_ITEMS),
        ));
    }
    for condition in &matcher.cond {
        if !condition.type_.allows(&condition.op) {
            return Err(ValidationError::new(
                "matcher condition",
                format!("{} {}", condition.type_, condition.op),
                format!(
                    "a {} condition does not take {}; inc, notInc, incAll and notIncAll are for \
                     error_message, titlePath, annotation and tag",
                    condition.type_, condition.op
                ),
            ));
        }
    }
    Ok(())
}
