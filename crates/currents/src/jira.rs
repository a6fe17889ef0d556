//! The Jira operations, reached through [`Client::jira`]: the organization's Jira site, and
//! issues created from or linked to a run's test.

use currents_api::{
    operations::{
        CreateJiraIssueFromRunTest, LinkJiraIssueFromRunTest, ListJiraIssueTypes, ListJiraProjects,
    },
    types::{
        CreateJiraIssueFromRunTestRequest, JiraIssue, JiraLink, LinkJiraIssueFromRunTestRequest,
    },
};

use crate::{
    Client, Error, ProjectId, Received, ValidationError,
    input::{check_segment, check_text},
    query::Query,
};

/// The Jira operations of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Jira<'a> {
    client: &'a Client,
}

impl<'a> Jira<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Jira { client }
    }

    /// The projects of the Jira site with this Installation ID (listJiraProjects); their ids
    /// are the `jiraProjectId` of an issue.
    pub fn projects(self, installation: &str) -> Query<'a, ListJiraProjects> {
        let request = check_text("Jira installation id", installation)
            .map(|()| ListJiraProjects::new(installation));
        Query::new(self.client, request)
    }

    /// The issue types of a Jira project, with their custom fields (listJiraIssueTypes).
    pub fn issue_types(
        self,
        installation: &str,
        jira_project: &str,
    ) -> Query<'a, ListJiraIssueTypes> {
        let request = check_text("Jira installation id", installation)
            .and_then(|()| check_segment("Jira project id", jira_project))
            .map(|()| ListJiraIssueTypes::new(jira_project, installation));
        Query::new(self.client, request)
    }

    /// Creates a Jira issue from a run's test (createJiraIssueFromRunTest). Currents does not
    /// deduplicate: a second call creates a second issue, so a lost answer is not retried.
    pub async fn create_issue(
        self,
        project: &ProjectId,
        issue: CreateJiraIssueFromRunTestRequest,
    ) -> Result<Received<JiraIssue>, Error> {
        check_segment("project id", project.as_str())?;
        self.client
            .fetch(&CreateJiraIssueFromRunTest::new(project.as_str(), issue))
            .await
    }

    /// Links a run's test to an existing Jira issue (linkJiraIssueFromRunTest); the key is a
    /// [`JiraIssueKey`](crate::JiraIssueKey) or a string checked as one. Without the test's
    /// context in the comment, the comment is all there is, so it is required.
    pub async fn link_issue(
        self,
        project: &ProjectId,
        issue_key: impl AsRef<str>,
        link: LinkJiraIssueFromRunTestRequest,
    ) -> Result<Received<JiraLink>, Error> {
        let issue_key = issue_key.as_ref();
        check_segment("project id", project.as_str())?;
        check_segment("Jira issue key", issue_key)?;
        if !link.include_context_in_comment && link.comment.is_none() {
            return Err(ValidationError::new(
                "Jira link",
                "includeContextInComment: false",
                "needs a comment: without the test's context, the comment is all the link says",
            )
            .into());
        }
        self.client
            .fetch(&LinkJiraIssueFromRunTest::new(
                project.as_str(),
                issue_key,
                link,
            ))
            .await
    }
}
