//! findRun's branch filter: the one setter of `client.runs().find(&project)` that is not the
//! spec's own, because a branch filter is an exact name or a prefix, checked by [`BranchFilter`].

use currents_api::{operations::FindRun, types::BranchFilterQueryValue};

use crate::{BranchFilter, Query, input::spec_checked};

impl Query<'_, FindRun> {
    /// Only runs on this branch: an exact name, or a prefix ending in `*` (`release/*`); see
    /// [`BranchFilter`] for the rule.
    pub fn branch(self, filter: impl Into<String>) -> Self {
        let filter = filter.into();
        self.with(|request| {
            let filter = BranchFilter::new(filter)?;
            request.branch = Some(spec_checked::<BranchFilterQueryValue>(
                "branch filter",
                filter.as_str(),
            )?);
            Ok(())
        })
    }
}
