//! The Webhooks operations, reached through [`Client::webhooks`]: a project's HTTP webhooks,
//! which Currents calls when its runs start, finish, time out or are cancelled.

use currents_api::{
    operations::{CreateWebhook, DeleteWebhook, GetWebhook, ListWebhooks, UpdateWebhook},
    types::{CreateWebhookRequest, HookEvent, UpdateWebhookRequest, Webhook},
};
use futures_util::StreamExt as _;
use serde_json::Value;

use crate::{Client, Error, HookId, ProjectId, Received, ValidationError, query::Query};

/// The Webhooks operations of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Webhooks<'a> {
    client: &'a Client,
}

impl<'a> Webhooks<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Webhooks { client }
    }

    /// A project's webhooks (listWebhooks), walked like every list; the API answers them all
    /// at once.
    pub fn list(self, project: &ProjectId) -> Query<'a, ListWebhooks> {
        Query::new(self.client, Ok(ListWebhooks::new(project.as_str())))
    }

    /// A webhook by id (getWebhook).
    pub async fn get(self, hook: &HookId) -> Result<Received<Webhook>, Error> {
        self.client.fetch(&GetWebhook::new(hook.as_str())).await
    }

    /// Creates a webhook in a project (createWebhook). Its URL and label are limited by the
    /// generated types (`WebhookUrl`, `WebhookLabel`); its headers must be a JSON object of
    /// strings, and its events ones the spec lists. Creating is not idempotent, so a lost
    /// answer is not retried.
    pub async fn create(
        self,
        project: &ProjectId,
        hook: CreateWebhookRequest,
    ) -> Result<Received<Webhook>, Error> {
        check_hook(&hook)?;
        self.client
            .fetch(&CreateWebhook::new(project.as_str(), hook))
            .await
    }

    /// Changes the fields that `update` sets (updateWebhook); at least one must be set.
    pub async fn update(
        self,
        hook: &HookId,
        update: UpdateWebhookRequest,
    ) -> Result<Received<Webhook>, Error> {
        if update == UpdateWebhookRequest::default() {
            return Err(ValidationError::new(
                "webhook update",
                "{}",
                "must set at least one field",
            )
            .into());
        }
        check_url(update.url.as_deref().map(String::as_str))?;
        check_headers(update.headers.as_deref().map(String::as_str))?;
        check_events(&update.hook_events)?;
        self.client
            .fetch(&UpdateWebhook::new(hook.as_str(), update))
            .await
    }

    /// The project's one webhook for `hook.url`: created if it has none, or brought to
    /// `hook`'s events, headers and label in place if it has (n8n's Currents node registers
    /// its hooks so). Calling it again with the same request changes nothing and creates no
    /// second hook. Two calls at once for a new URL can both create one.
    pub async fn ensure(
        self,
        project: &ProjectId,
        hook: CreateWebhookRequest,
    ) -> Result<Received<Webhook>, Error> {
        check_hook(&hook)?;
        let mut hooks = self.list(project).stream();
        while let Some(existing) = hooks.next().await {
            let existing = existing?;
            if existing.url != hook.url.as_str() {
                continue;
            }
            let id = HookId::new(existing.hook_id.as_str())?;
            let mut update = UpdateWebhookRequest::new();
            update.hook_events = hook.hook_events;
            update.headers = hook.headers;
            update.label = hook.label;
            return self
                .client
                .fetch(&UpdateWebhook::new(id.as_str(), update))
                .await;
        }
        self.create(project, hook).await
    }

    /// Deletes a webhook, for good (deleteWebhook). A hook that is already gone (HTTP 404)
    /// counts as deleted, as in n8n's Currents node, so that deleting is safe to repeat. The
    /// answer's body is not read: Currents' own clients see it in more than one form (the
    /// hook's ids, `{}`, or none).
    pub async fn delete(self, hook: &HookId) -> Result<(), Error> {
        let reply = self
            .client
            .execute(&DeleteWebhook::new(hook.as_str()))
            .await?;
        match reply.successful() {
            Err(Error::NotFound { .. }) => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

/// The checks of a hook to create that its generated type does not make.
fn check_hook(hook: &CreateWebhookRequest) -> Result<(), ValidationError> {
    check_url(Some(hook.url.as_str()))?;
    check_headers(hook.headers.as_deref().map(String::as_str))?;
    check_events(&hook.hook_events)
}

/// The spec gives a hook's `url` `format: uri`; Currents POSTs to it, so it must be absolute.
fn check_url(url: Option<&str>) -> Result<(), ValidationError> {
    let Some(text) = url else {
        return Ok(());
    };
    match reqwest::Url::parse(text) {
        Ok(_) => Ok(()),
        Err(error) => Err(ValidationError::new(
            "webhook url",
            text,
            format!(
                "must be an absolute URI (the spec's format uri), such as https://example.com/hook: {error}"
            ),
        )),
    }
}

/// A webhook's headers travel as a string holding a JSON object of strings. They usually hold
/// the secret a receiver checks, so the error says what is wrong and never shows them.
fn check_headers(headers: Option<&str>) -> Result<(), ValidationError> {
    let Some(text) = headers else {
        return Ok(());
    };
    let wrong = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => match map.iter().find(|(_, value)| !value.is_string()) {
            None => return Ok(()),
            Some((name, _)) => format!("the value of {name:?} is not a string"),
        },
        Ok(_) => "it is JSON, but not an object".to_owned(),
        Err(error) => format!("it is not JSON ({error})"),
    };
    Err(ValidationError::new(
        "webhook headers",
        format!("{} characters, not shown", text.chars().count()),
        format!("must be a JSON object of strings, such as {{\"x-secret\":\"...\"}}; {wrong}"),
    ))
}

/// Only the events the spec lists: one it does not would never be sent.
fn check_events(events: &[HookEvent]) -> Result<(), ValidationError> {
    match events
        .iter()
        .find(|event| matches!(event, HookEvent::Unknown(_)))
    {
        Some(event) => Err(ValidationError::new(
            "webhook event",
            event.to_string(),
            format!("must be one of {}", HookEvent::KNOWN.join(", ")),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hooks_url_and_headers_are_checked_without_showing_the_headers() {
        // The refusal's subject and the start of its rule; `None`: taken.
        type Refusal = Option<(&'static str, &'static str)>;
        let cases: [(&str, Option<&str>, Refusal); 6] = [
            (
                "https://example.com/hook",
                Some(r#"{"x-secret":"s3cret"}"#),
                None,
            ),
            ("https://example.com/hook", None, None),
            (
                "/hook",
                None,
                Some(("webhook url", "must be an absolute URI")),
            ),
            (
                "example.com",
                None,
                Some(("webhook url", "must be an absolute URI")),
            ),
            (
                "https://example.com/hook",
                Some(r#"{"x-secret":"s3cret","n":1}"#),
                Some(("webhook headers", "must be a JSON object of strings")),
            ),
            (
                "https://example.com/hook",
                Some(r#"["s3cret"]"#),
                Some(("webhook headers", "must be a JSON object of strings")),
            ),
        ];
        for (url, headers, refused) in cases {
            let checked = check_url(Some(url)).and_then(|()| check_headers(headers));
            match (checked, refused) {
                (Ok(()), None) => {}
                (Err(error), Some((subject, rule))) => {
                    assert_eq!(error.subject(), subject, "{url} {headers:?}");
                    assert!(error.rule().starts_with(rule), "{error}");
                    assert!(!error.to_string().contains("s3cret"), "{error}");
                }
                (checked, _) => panic!("{url} {headers:?}: {checked:?}"),
            }
        }
    }
}
