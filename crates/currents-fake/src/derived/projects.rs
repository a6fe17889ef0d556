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
        let project = projects
            .entry(run.project_id.clone())
            .or_insert_with(|| Project {
                project_id: run.project_id.clone(),
                name: run.project_id.clone(),
                created_at: run.created_at,
                default_branch_name: Some("main".into()),
                fail_fast: Some(false),
                inactivity_timeout_seconds: Some(3_600),
            });
        if !given.contains_key(&run.project_id) && run.created_at < project.created_at {
            project.created_at = run.created_at;
        }
    }
    projects
}
