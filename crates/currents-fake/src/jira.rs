//! The organization's Jira integration, as the fake keeps it: one Jira site with two projects
//! and their issue types, and the issues created or linked from run tests.

use std::collections::BTreeMap;

use currents_api::types::{JiraIssueType, JiraIssueTypeFieldsItem, JiraProject};

use crate::ApiError;

/// The Installation ID of the fake's Jira site, as the dashboard would show it.
pub const JIRA_INSTALLATION_ID: &str = "fake-jira-installation";

/// An issue created from a run's test, or a test linked to an issue.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JiraIssue {
    pub(crate) key: String,
    pub(crate) project_id: String,
    pub(crate) jira_project_id: String,
    pub(crate) issue_type: String,
    /// The (run id, test id) of each test it was created from or linked to.
    pub(crate) tests: Vec<(String, String)>,
    /// The comments its links added.
    pub(crate) comments: Vec<String>,
}

/// The Jira site and its issues.
#[derive(Debug)]
pub(crate) struct Jira {
    projects: Vec<(JiraProject, Vec<JiraIssueType>)>,
    issues: BTreeMap<String, JiraIssue>,
}

impl Default for Jira {
    fn default() -> Self {
        let issue_types = |first: u32| {
            vec![
                JiraIssueType::new(first.to_string())
                    .with_name("Bug".to_owned())
                    .with_fields(vec![
                        JiraIssueTypeFieldsItem::new()
                            .with_field_id("customfield_10020".to_owned())
                            .with_name("Severity".to_owned())
                            .with_required(false),
                    ]),
                JiraIssueType::new((first + 1).to_string()).with_name("Task".to_owned()),
            ]
        };
        let project = |id: &str, key: &str, name: &str| {
            JiraProject::new(id.to_owned())
                .with_key(key.to_owned())
                .with_name(name.to_owned())
        };
        Jira {
            projects: vec![
                (project("10000", "WEB", "Web app"), issue_types(10001)),
                (project("10100", "API", "API service"), issue_types(10101)),
            ],
            issues: BTreeMap::new(),
        }
    }
}

impl Jira {
    fn installation(id: &str) -> Result<(), ApiError> {
        if id == JIRA_INSTALLATION_ID {
            Ok(())
        } else {
            Err(ApiError::not_found("Jira installation not found", id))
        }
    }

    /// The site's projects whose name or key contains `search` (case-insensitive).
    pub(crate) fn projects(
        &self,
        installation: &str,
        search: Option<&str>,
    ) -> Result<Vec<JiraProject>, ApiError> {
        Self::installation(installation)?;
        Ok(self
            .projects
            .iter()
            .map(|(project, _)| project)
            .filter(|project| {
                contains(project.name.as_deref(), search)
                    || contains(project.key.as_deref(), search)
            })
            .cloned()
            .collect())
    }

    /// A project's issue types whose name contains `search`.
    pub(crate) fn issue_types(
        &self,
        installation: &str,
        project_id: &str,
        search: Option<&str>,
    ) -> Result<Vec<JiraIssueType>, ApiError> {
        Self::installation(installation)?;
        let (_, types) = self.project(project_id)?;
        Ok(types
            .iter()
            .filter(|issue_type| contains(issue_type.name.as_deref(), search))
            .cloned()
            .collect())
    }

    fn project(
        &self,
        jira_project_id: &str,
    ) -> Result<&(JiraProject, Vec<JiraIssueType>), ApiError> {
        self.projects
            .iter()
            .find(|(project, _)| project.id == jira_project_id)
            .ok_or_else(|| ApiError::not_found("Jira project not found", jira_project_id))
    }

    /// Checks where an issue goes: the site, the project and the issue type.
    pub(crate) fn check_target(
        &self,
        installation: &str,
        jira_project_id: &str,
        issue_type: &str,
    ) -> Result<(), ApiError> {
        Self::installation(installation)?;
        let (_, types) = self.project(jira_project_id)?;
        if !types.iter().any(|t| t.id == issue_type) {
            return Err(ApiError::not_found("Jira issue type not found", issue_type));
        }
        Ok(())
    }

    /// Creates an issue: `KEY-n`, numbered within its Jira project. Nothing is deduplicated:
    /// a repeated post creates another issue, as Currents' does.
    pub(crate) fn create(&mut self, issue: JiraIssue) -> JiraIssue {
        let key = self
            .project(&issue.jira_project_id)
            .ok()
            .and_then(|(project, _)| project.key.clone())
            .unwrap_or_else(|| "FAKE".to_owned());
        let number = self
            .issues
            .values()
            .filter(|existing| existing.jira_project_id == issue.jira_project_id)
            .count()
            + 1;
        let issue = JiraIssue {
            key: format!("{key}-{number}"),
            ..issue
        };
        self.issues.insert(issue.key.clone(), issue.clone());
        issue
    }

    /// Links a test to an existing issue, with a comment.
    pub(crate) fn link(
        &mut self,
        key: &str,
        test: (String, String),
        comment: String,
    ) -> Result<JiraIssue, ApiError> {
        let issue = self
            .issues
            .get_mut(key)
            .ok_or_else(|| ApiError::not_found("Jira issue not found", key))?;
        issue.tests.push(test);
        issue.comments.push(comment);
        Ok(issue.clone())
    }

    pub(crate) fn issue(&self, key: &str) -> Option<&JiraIssue> {
        self.issues.get(key)
    }
}

fn contains(text: Option<&str>, search: Option<&str>) -> bool {
    match search {
        None => true,
        Some(search) => {
            text.is_some_and(|text| text.to_lowercase().contains(&search.to_lowercase()))
        }
    }
}

/// The issue's address in the fake Jira site.
pub(crate) fn browse_url(key: &str) -> String {
    format!("https://fake-jira.atlassian.net/browse/{key}")
}
