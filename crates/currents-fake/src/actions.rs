//! Actions (skip, quarantine and tag rules) and their lifecycle.
//!
//! An action is created active; disable and enable move it between active and disabled; delete
//! archives it (a soft delete: it is still there, and reads as archived). An active or disabled
//! action whose `expiresAfter` has passed reads as expired. Archived and expired actions can be
//! read and listed, but not enabled, disabled or updated.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use currents_api::types::{Action, ActionStatus, CreateActionRequest, UpdateActionRequest};

use crate::ApiError;

/// Who the fake says created or changed an action.
const ACTOR: &str = "fake-api-key@currents.dev";

/// An action with the project it belongs to, which the `Action` schema does not carry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredAction {
    pub(crate) project_id: String,
    pub(crate) action: Action,
}

/// Every action, by id, in creation order of their ids.
#[derive(Debug, Default)]
pub(crate) struct Actions {
    by_id: BTreeMap<String, StoredAction>,
    created: u64,
}

impl Actions {
    /// Adds an action as it is (demo data, fixtures).
    pub(crate) fn insert(&mut self, project_id: String, action: Action) {
        self.created += 1;
        self.by_id.insert(
            action.action_id.clone(),
            StoredAction { project_id, action },
        );
    }

    pub(crate) fn create(
        &mut self,
        project_id: &str,
        request: CreateActionRequest,
        now: DateTime<Utc>,
    ) -> Action {
        self.created += 1;
        // 24 hex digits, like the ids Currents hands out.
        let action_id = format!("{:08x}{:016x}", now.timestamp(), self.created);
        let action = Action::new(
            request.action,
            action_id.clone(),
            now,
            ACTOR.to_owned(),
            request.matcher,
            request.name.to_string(),
            ActionStatus::Active,
        )
        .set_description(request.description.map(|d| d.to_string()))
        .set_expires_after(request.expires_after);
        self.insert(project_id.to_owned(), action.clone());
        action
    }

    /// The project an action belongs to.
    pub(crate) fn project_of(&self, action_id: &str) -> Option<String> {
        self.by_id
            .get(action_id)
            .map(|stored| stored.project_id.clone())
    }

    /// An action as it reads now.
    pub(crate) fn get(&self, action_id: &str, now: DateTime<Utc>) -> Result<Action, ApiError> {
        self.by_id
            .get(action_id)
            .map(|stored| as_of(&stored.action, now))
            .ok_or_else(|| ApiError::not_found("action not found", action_id))
    }

    /// A project's actions, newest first, with any of `statuses` (all when empty) and a name
    /// or description that contains `search`, case-insensitively.
    pub(crate) fn list(
        &self,
        project_id: &str,
        statuses: &[ActionStatus],
        search: Option<&str>,
        now: DateTime<Utc>,
    ) -> Vec<Action> {
        let search = search.map(str::to_lowercase);
        let mut found = self
            .by_id
            .values()
            .filter(|stored| stored.project_id == project_id)
            .map(|stored| as_of(&stored.action, now))
            .filter(|action| statuses.is_empty() || statuses.contains(&action.status))
            .filter(|action| {
                search.as_ref().is_none_or(|search| {
                    action.name.to_lowercase().contains(search)
                        || action
                            .description
                            .as_ref()
                            .is_some_and(|d| d.to_lowercase().contains(search))
                })
            })
            .collect::<Vec<_>>();
        found.sort_by(|a, b| (b.created_at, &b.action_id).cmp(&(a.created_at, &a.action_id)));
        found
    }

    pub(crate) fn update(
        &mut self,
        action_id: &str,
        request: UpdateActionRequest,
        now: DateTime<Utc>,
    ) -> Result<Action, ApiError> {
        let changes_expiry = request.expires_after.is_some();
        let action = self.changeable(action_id, now, "updated", changes_expiry)?;
        if let Some(name) = request.name {
            action.name = name.to_string();
        }
        if let Some(description) = request.description {
            action.description = Some(description.to_string());
        }
        if !request.action.is_empty() {
            action.action = request.action;
        }
        if let Some(matcher) = request.matcher {
            action.matcher = matcher;
        }
        if request.expires_after.is_some() {
            action.expires_after = request.expires_after;
        }
        action.updated_at = Some(now);
        action.updated_by = Some(ACTOR.to_owned());
        Ok(as_of(action, now))
    }

    /// Archives an action: a soft delete, after which it reads as archived.
    pub(crate) fn archive(&mut self, action_id: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        let stored = self
            .by_id
            .get_mut(action_id)
            .ok_or_else(|| ApiError::not_found("action not found", action_id))?;
        let action = &mut stored.action;
        if action.status != ActionStatus::Archived {
            action.status = ActionStatus::Archived;
            action.archived_at = Some(now);
            action.archived_by = Some(ACTOR.to_owned());
        }
        Ok(())
    }

    /// Enables (`true`) or disables an action.
    pub(crate) fn set_enabled(
        &mut self,
        action_id: &str,
        enabled: bool,
        now: DateTime<Utc>,
    ) -> Result<Action, ApiError> {
        let verb = if enabled { "enabled" } else { "disabled" };
        let action = self.changeable(action_id, now, verb, false)?;
        if enabled {
            action.status = ActionStatus::Active;
            action.disabled_at = None;
            action.disabled_by = None;
        } else if action.status != ActionStatus::Disabled {
            action.status = ActionStatus::Disabled;
            action.disabled_at = Some(now);
            action.disabled_by = Some(ACTOR.to_owned());
        }
        Ok(as_of(action, now))
    }

    /// The stored action, if it may be changed: not archived, and not expired unless the
    /// change sets a new expiry.
    fn changeable(
        &mut self,
        action_id: &str,
        now: DateTime<Utc>,
        verb: &str,
        changes_expiry: bool,
    ) -> Result<&mut Action, ApiError> {
        let stored = self
            .by_id
            .get_mut(action_id)
            .ok_or_else(|| ApiError::not_found("action not found", action_id))?;
        match as_of(&stored.action, now).status {
            ActionStatus::Archived => Err(ApiError::bad_request(format!(
                "action '{action_id}' is archived and cannot be {verb}"
            ))),
            ActionStatus::Expired if !changes_expiry => Err(ApiError::bad_request(format!(
                "action '{action_id}' has expired and cannot be {verb}; update its expiresAfter first"
            ))),
            _ => Ok(&mut stored.action),
        }
    }
}

/// The action as it reads at `now`: expired once its expiry has passed, unless archived.
fn as_of(action: &Action, now: DateTime<Utc>) -> Action {
    let mut action = action.clone();
    let expired = action.expires_after.is_some_and(|expiry| expiry <= now);
    if expired && action.status != ActionStatus::Archived {
        action.status = ActionStatus::Expired;
    }
    action
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use currents_api::types::{
        LogicalOperator, RuleAction, RuleActionSkip, RuleActionSkipOp, RuleMatcher,
    };

    use super::*;

    fn request(expires_after: Option<DateTime<Utc>>) -> CreateActionRequest {
        CreateActionRequest::new(
            vec![RuleAction::Skip(RuleActionSkip::new(
                RuleActionSkipOp::Skip,
            ))],
            RuleMatcher::new(Vec::new(), LogicalOperator::And),
            "skip flaky"
                .parse::<currents_api::types::CreateActionRequestName>()
                .expect("a valid name"),
        )
        .set_expires_after(expires_after)
    }

    #[test]
    fn the_lifecycle_goes_active_disabled_active_archived() {
        let now = Utc::now();
        let mut actions = Actions::default();
        let id = actions.create("p", request(None), now).action_id;
        assert_eq!(
            actions.set_enabled(&id, false, now).map(|a| a.status),
            Ok(ActionStatus::Disabled)
        );
        assert_eq!(
            actions.set_enabled(&id, true, now).map(|a| a.status),
            Ok(ActionStatus::Active)
        );
        actions.archive(&id, now).expect("archives");
        assert_eq!(
            actions.get(&id, now).map(|a| a.status),
            Ok(ActionStatus::Archived)
        );
        let refused = actions.set_enabled(&id, true, now).expect_err("archived");
        assert!(
            refused
                .message
                .contains("is archived and cannot be enabled"),
            "{}",
            refused.message
        );
        assert_eq!(
            actions
                .list("p", &[ActionStatus::Archived], None, now)
                .len(),
            1
        );
        assert!(
            actions
                .list("p", &[ActionStatus::Active], None, now)
                .is_empty()
        );
    }

    #[test]
    fn an_action_past_its_expiry_reads_as_expired() {
        let now = Utc::now();
        let mut actions = Actions::default();
        let id = actions
            .create("p", request(Some(now + Duration::hours(1))), now)
            .action_id;
        assert_eq!(
            actions.get(&id, now).map(|a| a.status),
            Ok(ActionStatus::Active)
        );
        let later = now + Duration::hours(2);
        assert_eq!(
            actions.get(&id, later).map(|a| a.status),
            Ok(ActionStatus::Expired)
        );
        assert!(actions.set_enabled(&id, false, later).is_err());
    }
}
