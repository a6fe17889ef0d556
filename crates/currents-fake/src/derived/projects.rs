//! Projects: those given to the fake, and one for every project its runs name.

use std::collections::BTreeMap;

use currents_api::types::{Project, Run};

/// Every project, by id: the given ones as they are, and for a project only runs name, one
/// named after its id and created with its first run.
pub(crate) fn projects<'a>(
    given: &BTreeMap<String, Project>,
    runs: impl Iterator<Item = &'a Run>,
) -> BTreeMap<String, Project> {
    let mut projects = given.clone();
    for run in runs {
        let project = projects.entry(run.project_id.clone()).or_insert_with(|| {
            Project::new(
                run.created_at,
                run.project_id.clone(),
                run.project_id.clone(),
            )
            .with_default_branch_name("main")
            .with_fail_fast(false)
            .with_inactivity_timeout_seconds(3_600)
        });
        if !given.contains_key(&run.project_id) && run.created_at < project.created_at {
            project.created_at = run.created_at;
        }
    }
    projects
}
