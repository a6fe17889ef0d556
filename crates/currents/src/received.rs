//! `Received`: a value decoded from an answer, with the JSON it was decoded from.

use std::{fmt, ops::Deref, sync::Arc};

use serde_json::{Value, value::RawValue};

use crate::ResponseMeta;

/// A value decoded from an answer's `data`, together with that `data` exactly as the API sent
/// it.
///
/// It dereferences to the value, so fields read as usual (`run.status`). The JSON keeps what
/// the typed value cannot: fields this version of the spec does not list, and every value in
/// the API's own spelling.
///
/// ```
/// # use currents::Received;
/// # let data = r#"{"runId":"r1","groups":[{"groupId":"chrome","mystery":{"a":1}}]}"#;
/// # let run: Received<serde_json::Value> =
/// #     Received::decode(serde_json::value::RawValue::from_string(data.into()).unwrap()).unwrap();
/// // A field the spec does not list, by JSON pointer:
/// assert_eq!(run.field("/groups/0/mystery/a"), Some(serde_json::json!(1)));
/// // The answer's `data`, byte for byte:
/// assert!(run.raw().starts_with(r#"{"runId":"r1""#));
/// ```
#[derive(Clone)]
pub struct Received<T> {
    value: T,
    raw: Box<RawValue>,
    // Shared by the items of one page.
    meta: Option<Arc<ResponseMeta>>,
}

impl<T> Received<T> {
    pub(crate) fn new(value: T, raw: Box<RawValue>) -> Self {
        Received {
            value,
            raw,
            meta: None,
        }
    }

    pub(crate) fn with_meta(mut self, meta: Arc<ResponseMeta>) -> Self {
        self.meta = Some(meta);
        self
    }

    /// The answer this came in: its status, headers, request id, attempts and time (for an
    /// item of a list, its page's). `None` only for a value made by [`Received::decode`].
    pub fn meta(&self) -> Option<&ResponseMeta> {
        self.meta.as_deref()
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The `data` of the answer as the API sent it, byte for byte.
    pub fn raw(&self) -> &str {
        self.raw.get()
    }

    /// The JSON value at `pointer` (RFC 6901, such as `/groups/0/specCount`) in the answer's
    /// `data`, whether or not the spec lists it; `None` if there is nothing there.
    pub fn field(&self, pointer: &str) -> Option<Value> {
        let data: Value = serde_json::from_str(self.raw.get()).ok()?;
        data.pointer(pointer).cloned()
    }
}

impl<T: serde::de::DeserializeOwned> Received<T> {
    /// Decodes `data` text (as found in an answer) into its typed value, keeping the text.
    pub fn decode(raw: Box<RawValue>) -> Result<Self, serde_json::Error> {
        let value = serde_json::from_str(raw.get())?;
        Ok(Received::new(value, raw))
    }
}

impl<T> Deref for Received<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> AsRef<T> for Received<T> {
    fn as_ref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Received<T> {
    // The raw text repeats the value; its size is enough to tell what was kept.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Received")
            .field("value", &self.value)
            .field("raw_bytes", &self.raw.get().len())
            .field("meta", &self.meta)
            .finish()
    }
}
