//! Instances and tests, reached through [`Client::instances`] and [`Client::tests`].

use std::ops::Range;

use chrono::{DateTime, Utc};
use currents_api::{
    operations::{GetInstance, GetTestResults, GetTestSignature},
    types::{Instance, TestSignatureRequest, TestSignatureRequestTestTitle},
};

use crate::{
    Client, Error, InstanceId, ProjectId, Received, TestSignature, ValidationError,
    input::check_text,
    query::{Query, check_range},
};

/// The instance operation of a [`Client`]: an instance is one spec file run on one machine.
#[derive(Debug, Clone, Copy)]
pub struct Instances<'a> {
    client: &'a Client,
}

impl<'a> Instances<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Instances { client }
    }

    /// An instance with its tests and their attempts (getInstance).
    pub async fn get(self, instance: &InstanceId) -> Result<Received<Instance>, Error> {
        self.client
            .fetch(&GetInstance::new(instance.as_str()))
            .await
    }
}

/// The test operations of a [`Client`]: one test's results, and test signatures.
#[derive(Debug, Clone, Copy)]
pub struct Tests<'a> {
    client: &'a Client,
}

impl<'a> Tests<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Tests { client }
    }

    /// Every result of one test over a date range (getTestResults), newest first.
    pub fn results(
        self,
        signature: &TestSignature,
        range: Range<DateTime<Utc>>,
    ) -> Query<'a, GetTestResults> {
        let request = check_range(range.start, range.end)
            .map(|()| GetTestResults::new(signature.as_str(), range.start, range.end));
        Query::new(self.client, request)
    }

    /// The signature Currents gives a test (getTestSignature): the project, the spec file's
    /// path and the test's title path (describe blocks, then the test).
    pub async fn signature<I, T>(
        self,
        project: &ProjectId,
        spec_file: impl Into<String>,
        title: I,
    ) -> Result<TestSignature, Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let spec_file = spec_file.into();
        check_text("spec file", &spec_file)?;
        let title = title.into_iter().map(Into::into).collect::<Vec<String>>();
        if title.is_empty() {
            return Err(ValidationError::new(
                "test title",
                "",
                "needs at least the test's own title",
            )
            .into());
        }
        for part in &title {
            check_text("test title", part)?;
        }
        let body = TestSignatureRequest::new(
            project.as_str(),
            spec_file,
            TestSignatureRequestTestTitle::Array(title),
        );
        let reply = self.client.execute(&GetTestSignature::new(body)).await?;
        let response = Box::new(reply.meta());
        let data = reply.received::<GetTestSignature>()?.into_inner();
        let signature = data.signature.ok_or_else(|| Error::Api {
            operation: currents_api::operations::Operation::GetTestSignature.into(),
            status: response.status(),
            message: "the answer has no signature".into(),
            code: None,
            response,
        })?;
        Ok(TestSignature::from_api(signature))
    }
}
