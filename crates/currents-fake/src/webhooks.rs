//! Webhooks and their delivery: a project's hooks, created, changed and deleted through the API,
//! and called when one of its runs starts, finishes, times out or is cancelled.
//!
//! A delivery is what Currents POSTs (its HTTP webhooks docs): the run's summary as JSON, with
//! an `x-timestamp` header and the hook's own headers. The fake delivers only to loopback
//! addresses, so that a test can run a receiver beside it and nothing leaves the machine; a
//! hook with any other URL is refused when it is created.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use currents_api::types::{
    CreateWebhookRequest, HookEvent, Run, RunCompletionState, UpdateWebhookRequest, Webhook,
    WebhookDelivery, WebhookDeliveryCommit,
};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::ApiError;

/// One POST to a hook, queued for the delivery task.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The hook it is for.
    pub hook_id: String,
    /// The event.
    pub event: HookEvent,
    /// Where it is sent.
    pub url: String,
    /// The hook's headers, and `x-timestamp`.
    pub headers: Vec<(String, String)>,
    /// The payload.
    pub body: Value,
}

/// A hook with the state the fake keeps about it.
#[derive(Debug, Default)]
pub(crate) struct Webhooks {
    by_id: BTreeMap<String, Webhook>,
    created: u64,
    outbox: Option<mpsc::UnboundedSender<Delivery>>,
}

impl Webhooks {
    /// Deliveries go to `outbox`, which the delivery task reads.
    pub(crate) fn deliver_to(&mut self, outbox: mpsc::UnboundedSender<Delivery>) {
        self.outbox = Some(outbox);
    }

    pub(crate) fn list(&self, project_id: &str) -> Vec<Webhook> {
        self.by_id
            .values()
            .filter(|hook| hook.project_id == project_id)
            .cloned()
            .collect()
    }

    pub(crate) fn get(&self, hook_id: &str) -> Result<Webhook, ApiError> {
        self.by_id
            .get(&hook_id.to_ascii_lowercase())
            .cloned()
            .ok_or_else(|| ApiError::not_found("webhook not found", hook_id))
    }

    pub(crate) fn create(
        &mut self,
        project_id: &str,
        request: CreateWebhookRequest,
        now: DateTime<Utc>,
    ) -> Result<Webhook, ApiError> {
        check_url(&request.url)?;
        let headers = request.headers.map(String::from);
        check_headers(headers.as_deref())?;
        self.created += 1;
        // A UUID v4 in form, as the API's ids are: stable for a given order of creation.
        let n = self.created;
        let hook_id = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            now.timestamp() as u32,
            n & 0xffff,
            n & 0xfff,
            (n >> 12) & 0xfff,
            n
        );
        let hook = Webhook::new(
            request.hook_events,
            hook_id.clone(),
            project_id.to_owned(),
            String::from(request.url),
        )
        .set_headers(headers)
        .set_label(request.label.map(String::from))
        .with_created_at(now)
        .with_updated_at(now);
        self.by_id.insert(hook_id, hook.clone());
        Ok(hook)
    }

    /// Changes the fields the update sets; `updatedAt` is rewritten whether or not anything
    /// changed, as Currents does.
    pub(crate) fn update(
        &mut self,
        hook_id: &str,
        request: UpdateWebhookRequest,
        now: DateTime<Utc>,
    ) -> Result<Webhook, ApiError> {
        if let Some(url) = &request.url {
            check_url(url)?;
        }
        let headers = request.headers.map(String::from);
        check_headers(headers.as_deref())?;
        let hook = self
            .by_id
            .get_mut(&hook_id.to_ascii_lowercase())
            .ok_or_else(|| ApiError::not_found("webhook not found", hook_id))?;
        if let Some(url) = request.url {
            hook.url = url.into();
        }
        if headers.is_some() {
            hook.headers = headers;
        }
        if !request.hook_events.is_empty() {
            hook.hook_events = request.hook_events;
        }
        if let Some(label) = request.label {
            hook.label = Some(label.into());
        }
        hook.updated_at = Some(now);
        Ok(hook.clone())
    }

    /// Deletes a hook for good; a second delete answers 404.
    pub(crate) fn delete(&mut self, hook_id: &str) -> Result<Webhook, ApiError> {
        self.by_id
            .remove(&hook_id.to_ascii_lowercase())
            .ok_or_else(|| ApiError::not_found("webhook not found", hook_id))
    }

    /// Queues a delivery to each of the run's project's hooks for the event that took the run
    /// from `before` to its state now, if it made one.
    pub(crate) fn observe(
        &self,
        before: Option<&RunCompletionState>,
        run: &Run,
        now: DateTime<Utc>,
    ) {
        let (Some(outbox), Some(event)) = (&self.outbox, event_of(before, run)) else {
            return;
        };
        // Currents delivers an event once per group of a multigroup run, naming the group.
        let groups = run
            .groups
            .iter()
            .filter_map(|group| group.group_id.as_deref())
            .map(Some)
            .collect::<Vec<_>>();
        let groups = if groups.len() > 1 { groups } else { vec![None] };
        for group in groups {
            let body = payload(&event, run, group);
            for hook in self.by_id.values() {
                if hook.project_id != run.project_id || !hook.hook_events.contains(&event) {
                    continue;
                }
                // Epoch milliseconds, as n8n's Currents node reads it.
                let timestamp = now.timestamp_millis().to_string();
                let mut headers = vec![("x-timestamp".to_owned(), timestamp)];
                headers.extend(hook_headers(hook.headers.as_deref()));
                // The task ends with the fake; a delivery queued after that has nowhere to go.
                let _ = outbox.send(Delivery {
                    hook_id: hook.hook_id.clone(),
                    event: event.clone(),
                    url: hook.url.clone(),
                    headers,
                    body: body.clone(),
                });
            }
        }
    }
}

/// The event a run's change of completion state stands for: a run that appears, or starts
/// again (a reset), in progress has started; one that leaves "in progress" has finished,
/// timed out or been cancelled.
fn event_of(before: Option<&RunCompletionState>, run: &Run) -> Option<HookEvent> {
    let now = &run.completion_state;
    let was_running = before == Some(&RunCompletionState::Incomplete);
    match now {
        RunCompletionState::Incomplete if !was_running => Some(HookEvent::RunStart),
        RunCompletionState::Complete if was_running => Some(HookEvent::RunFinish),
        RunCompletionState::TimedOut if was_running => Some(HookEvent::RunTimeout),
        RunCompletionState::Cancelled if before != Some(now) => Some(HookEvent::RunCanceled),
        _ => None,
    }
}

/// The payload of Currents' HTTP webhooks docs, from the run, or from one group's specs of a
/// multigroup run.
pub(crate) fn payload(event: &HookEvent, run: &Run, group: Option<&str>) -> Value {
    let commit = run.meta.as_ref().and_then(|meta| meta.commit.as_ref());
    let text = |value: Option<&String>| value.cloned().unwrap_or_default();
    let mut totals = [0_i64; 7];
    let specs = run
        .specs
        .iter()
        .filter(|spec| group.is_none() || spec.group_id.as_deref() == group);
    for spec in specs {
        if let Some(stats) = spec.results.as_ref().and_then(|r| r.stats.as_ref()) {
            let counts = [
                stats.tests.or(stats.overall),
                stats.passes,
                stats.failures,
                stats.pending,
                stats.skipped,
                None,
                stats.flaky,
            ];
            for (total, count) in totals.iter_mut().zip(counts) {
                *total += count.unwrap_or(0);
            }
        }
    }
    let [overall, passes, failures, pending, skipped, retries, flaky] = totals;
    // The spec's own type, so that what the fake sends is what a receiver decodes.
    let commit = WebhookDeliveryCommit::default()
        .with_sha(text(commit.and_then(|c| c.sha.as_ref())))
        .with_branch(text(commit.and_then(|c| c.branch.as_ref())))
        .with_author_name(text(commit.and_then(|c| c.author_name.as_ref())))
        .with_author_email(text(commit.and_then(|c| c.author_email.as_ref())))
        .with_message(text(commit.and_then(|c| c.message.as_ref())))
        .with_remote_origin(text(commit.and_then(|c| c.remote_origin.as_ref())));
    let build_id = run.meta.as_ref().and_then(|meta| meta.ci_build_id.clone());
    let delivery = WebhookDelivery::new(
        event.clone(),
        format!("https://app.currents.dev/run/{}", run.run_id),
    )
    .with_build_id(build_id.unwrap_or_default())
    .with_tags(run.tags.clone())
    .with_commit(commit)
    .with_overall(overall)
    .with_passes(passes)
    .with_failures(failures)
    .with_pending(pending)
    .with_skipped(skipped)
    .with_retries(retries)
    .with_flaky(flaky)
    // Only a run of several groups (browsers, say) names the group.
    .set_group_id(group.map(str::to_owned));
    serde_json::to_value(delivery).expect("a delivery serialises")
}

/// The fake delivers to loopback only: `http://127.0.0.1:PORT/...`, `[::1]` or `localhost`.
fn check_url(url: &str) -> Result<(), ApiError> {
    let refuse = |why: &str| {
        ApiError::bad_request(format!(
            "webhook url '{}' {why}: currents-fake delivers only to loopback addresses \
             (http://127.0.0.1:PORT/..., http://[::1]:PORT/..., http://localhost:PORT/...)",
            url.escape_debug()
        ))
    };
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| refuse("is not an http:// URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if authority.contains('@') || !loopback {
        return Err(refuse("is not a loopback address"));
    }
    Ok(())
}

/// A hook's headers are a JSON object of strings, encoded as a string.
fn check_headers(headers: Option<&str>) -> Result<(), ApiError> {
    let Some(text) = headers else {
        return Ok(());
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) if map.values().all(Value::is_string) => Ok(()),
        _ => Err(ApiError::bad_request(
            "webhook headers must be a JSON object of strings, encoded as a string, such as \
             {\"Authorization\":\"Bearer token\"}",
        )),
    }
}

fn hook_headers(headers: Option<&str>) -> Vec<(String, String)> {
    let Some(Ok(Value::Object(map))) = headers.map(serde_json::from_str::<Value>) else {
        return Vec::new();
    };
    map.into_iter()
        .filter_map(|(name, value)| Some((name, value.as_str()?.to_owned())))
        .collect()
}

/// Sends every queued delivery, one at a time, until the fake stops; each attempt and its
/// outcome go to `delivered`.
pub(crate) async fn deliver(
    mut outbox: mpsc::UnboundedReceiver<Delivery>,
    delivered: impl Fn(Delivery, Result<u16, String>) + Send + 'static,
) {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        // A loopback receiver must not be reached through a proxy of the environment.
        .no_proxy()
        // A receiver's redirect would carry the hook's headers, which may hold its secret,
        // wherever it points: it is the answer, not followed.
        .redirect(reqwest::redirect::Policy::none())
        // A name is checked again where it is resolved, at each delivery: one that resolved
        // to loopback when the hook was created may not any more.
        .dns_resolver(std::sync::Arc::new(LoopbackOnly))
        .build()
        .expect("a client without TLS builds");
    while let Some(delivery) = outbox.recv().await {
        let mut request = client.post(&delivery.url).json(&delivery.body);
        for (name, value) in &delivery.headers {
            request = request.header(name, value);
        }
        let outcome = match request.send().await {
            Ok(response) => Ok(response.status().as_u16()),
            Err(error) => Err(error.to_string()),
        };
        delivered(delivery, outcome);
    }
}

/// Resolves a receiver's host name to its loopback addresses only, and refuses one that has
/// none. (An IP address in the URL is not resolved: it was checked when the hook was made.)
#[derive(Debug)]
struct LoopbackOnly;

impl reqwest::dns::Resolve for LoopbackOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let loopback = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| address.ip().is_loopback())
                .collect::<Vec<_>>();
            if loopback.is_empty() {
                return Err(format!("{host} does not resolve to a loopback address").into());
            }
            let addresses: reqwest::dns::Addrs = Box::new(loopback.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_loopback_urls_are_taken() {
        let cases = [
            ("http://127.0.0.1:8080/hook", true),
            ("http://localhost:9000/", true),
            ("http://[::1]:9000/x", true),
            ("http://127.1.2.3/x", true),
            ("https://example.com/hook", false),
            ("http://10.0.0.1/hook", false),
            ("http://127.0.0.1@example.com/", false),
            ("http://example.com/127.0.0.1", false),
            ("ftp://127.0.0.1/", false),
        ];
        for (url, taken) in cases {
            assert_eq!(check_url(url).is_ok(), taken, "{url}");
        }
    }

    #[test]
    fn headers_are_a_json_object_of_strings() {
        let cases = [
            (None, true),
            (Some(r#"{"Authorization":"Bearer t"}"#), true),
            (Some("{}"), true),
            (Some(r#"{"n":1}"#), false),
            (Some("[]"), false),
            (Some("Authorization: Bearer t"), false),
        ];
        for (headers, taken) in cases {
            assert_eq!(check_headers(headers).is_ok(), taken, "{headers:?}");
        }
    }

    #[test]
    fn a_change_of_state_is_an_event() {
        use RunCompletionState::*;
        let run = |state| {
            let mut run: Run = serde_json::from_value(json!({
                "runId": "r", "projectId": "p", "createdAt": "2026-11-01T00:00:00Z",
                "status": "RUNNING", "completionState": "IN_PROGRESS"
            }))
            .expect("a run");
            run.completion_state = state;
            run
        };
        let cases = [
            (None, Incomplete, Some(HookEvent::RunStart)),
            (Some(Complete), Incomplete, Some(HookEvent::RunStart)),
            (Some(Incomplete), Incomplete, None),
            (Some(Incomplete), Complete, Some(HookEvent::RunFinish)),
            (Some(Incomplete), TimedOut, Some(HookEvent::RunTimeout)),
            (Some(Incomplete), Cancelled, Some(HookEvent::RunCanceled)),
            (Some(Cancelled), Cancelled, None),
            (None, Complete, None),
        ];
        for (before, after, event) in cases {
            assert_eq!(
                event_of(before.as_ref(), &run(after.clone())),
                event,
                "{before:?} -> {after:?}"
            );
        }
    }

    #[test]
    fn a_group_s_delivery_counts_that_group_s_specs() {
        let run = crate::RunFixture::new("r")
            .status("failed")
            .group("chrome")
            .spec("m1", 1)
            .spec("m2", 2)
            .group("firefox")
            .spec("m3", 0)
            .build()
            .run;
        let counts = |group| {
            let body = payload(&HookEvent::RunFinish, &run, group);
            (
                body["groupId"].clone(),
                body["overall"].clone(),
                body["failures"].clone(),
            )
        };
        assert_eq!(
            counts(Some("chrome")),
            (json!("chrome"), json!(6), json!(3))
        );
        assert_eq!(
            counts(Some("firefox")),
            (json!("firefox"), json!(3), json!(0))
        );
        assert_eq!(counts(None), (Value::Null, json!(9), json!(3)));
    }
}
