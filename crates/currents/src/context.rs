//! getContext, reached through [`Client::context`]: the failure context of a run, an instance
//! (one spec file on one machine) or a test, as JSON or as the Markdown the server renders.

use currents_api::{
    operations::{GetContext, Request},
    types::{ContextFormat, FailureContext},
};
use reqwest::header;

use crate::{Client, Error, InstanceId, Received, RunId, query::Query, transport::Call};

/// The failure-context operation of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    client: &'a Client,
}

impl<'a> Context<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Context { client }
    }

    /// The failed tests of a run (a page of them: `limit` and `page`).
    pub fn run(self, run: &RunId) -> Query<'a, GetContext> {
        let mut request = GetContext::new();
        request.run_id = Some(run.as_str().to_owned());
        Query::new(self.client, Ok(request))
    }

    /// The failed tests of one instance of a run.
    pub fn instance(self, run: &RunId, instance: &InstanceId) -> Query<'a, GetContext> {
        let mut request = GetContext::new();
        request.run_id = Some(run.as_str().to_owned());
        request.instance_id = Some(instance.as_str().to_owned());
        Query::new(self.client, Ok(request))
    }

    /// One test of an instance; the run is found from the instance. `attempt` picks an
    /// attempt (the latest by default).
    pub fn test(self, instance: &InstanceId, test_id: &str) -> Query<'a, GetContext> {
        let request = crate::input::check_text("test id", test_id).map(|()| {
            let mut request = GetContext::new();
            request.instance_id = Some(instance.as_str().to_owned());
            request.test_id = Some(test_id.to_owned());
            request
        });
        Query::new(self.client, request)
    }
}

impl Query<'_, GetContext> {
    /// The context as JSON, in the API's envelope (`format=json`).
    pub async fn json(self) -> Result<Received<FailureContext>, Error> {
        self.with(|request| {
            request.format = Some(ContextFormat::Json);
            Ok(())
        })
        .send()
        .await
    }

    /// The context as the Markdown the server renders (`format=md`), for a person or a model
    /// to read; `max_length` truncates it.
    pub async fn markdown(self) -> Result<String, Error> {
        let (client, request) = self.into_parts();
        let mut request = request?;
        request.format = Some(ContextFormat::Md);
        let call = Call::new(&client.config().base_url, &request);
        let reply = client.send(call).await?;
        if !reply.status.is_success() {
            return Err(reply.into_error());
        }
        let markdown = reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/markdown"));
        if !markdown {
            return Err(Error::Api {
                operation: <GetContext as Request>::OPERATION.into(),
                status: reply.status.as_u16(),
                message: "the answer to format=md was not text/markdown".to_owned(),
                code: None,
                response: Box::new(reply.meta()),
            });
        }
        Ok(String::from_utf8_lossy(&reply.body).into_owned())
    }
}
