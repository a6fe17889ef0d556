//! Shared set-up for the fake's HTTP tests: runs to serve, and a raw HTTP client.

#![allow(dead_code, unreachable_pub)]

use currents_fake::{FakeRun, FakeServer, RunFixture};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A run built from the fields that matter to a test; specs are `(machine, failures)` pairs.
pub fn run(
    id: &str,
    project: &str,
    status: &str,
    branch: &str,
    tags: &[&str],
    hour: u32,
    specs: &[(&str, i64)],
) -> FakeRun {
    let fixture = RunFixture::new(id)
        .project(project)
        .status(status)
        .branch(branch)
        .tags(tags.iter().copied())
        .created_hour(hour);
    specs
        .iter()
        .fold(fixture, |fixture, (machine, failures)| {
            fixture.spec(*machine, *failures)
        })
        .build()
}

/// A raw HTTP client against a fake, with and without gzip.
pub struct Api {
    pub fake: FakeServer,
    http: reqwest::Client,
    identity: reqwest::Client,
}

/// A response, with the body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Api {
    pub fn new(runs: Vec<FakeRun>) -> Self {
        Api::with(FakeServer::builder().runs(runs).start())
    }

    /// A client for a fake started elsewhere.
    pub fn with(fake: FakeServer) -> Self {
        Api {
            fake,
            http: reqwest::Client::new(),
            identity: reqwest::Client::builder()
                .no_gzip()
                .build()
                .expect("client"),
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send(
            &self.http,
            method,
            path,
            body.map(|b| b.to_string()),
            Some(self.fake.api_key()),
        )
        .await
    }

    /// The same request without gzip, to see the 1 MB limit.
    pub async fn call_identity(&self, method: Method, path: &str) -> Answer {
        self.send(
            &self.identity,
            method,
            path,
            None,
            Some(self.fake.api_key()),
        )
        .await
    }

    /// Full control: a raw body and an optional key.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&str>,
    ) -> Answer {
        self.send(&self.http, method, path, body, key).await
    }

    async fn send(
        &self,
        client: &reqwest::Client,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&str>,
    ) -> Answer {
        let url = format!("http://{}{path}", self.fake.addr());
        let mut request = client.request(method, url);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.expect("the fake answers");
        let status = response.status();
        let bytes = response.bytes().await.expect("a complete body");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Answer { status, body }
    }
}
