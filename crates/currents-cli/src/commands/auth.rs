//! `currents auth status`: where the key comes from (never the key itself), which base URL is
//! used and why, and whether the API accepts the key, with the projects it sees.

use currents::Client;
use futures_util::TryStreamExt as _;
use serde_json::json;

use crate::{
    exit::{Failure, Stop},
    output::{Output, fields},
};

/// The projects named, at most; the rest are counted.
const MAX_PROJECTS: usize = 10;

pub(super) async fn status(
    client: Result<Client, Stop>,
    key_from: Option<&str>,
    base_url: &str,
    base_url_from: &str,
    output: Output,
) -> Result<(), Stop> {
    let key = match key_from {
        Some(from) => format!("from {from} (never shown)"),
        None => "not set".to_owned(),
    };
    let base = format!("{base_url} (from {base_url_from})");
    let client = match client {
        Ok(client) => client,
        Err(stop) => {
            // What is known is printed before why the key cannot be tried.
            let known =
                json!({ "key": key_from, "baseUrl": base_url, "baseUrlFrom": base_url_from });
            output.done(
                &known,
                fields(&[("Key", key), ("Base URL", base)]).trim_end(),
            )?;
            return Err(stop);
        }
    };
    let answer = client
        .projects()
        .list()
        .limit(MAX_PROJECTS + 1)
        .stream()
        .try_collect::<Vec<_>>()
        .await;
    let (api, projects, outcome) = match answer {
        Ok(projects) => ("accepts the key", projects, Ok(())),
        Err(error) if matches!(error.status(), Some(401 | 403)) => {
            let failure = Failure::from(error);
            let message = format!("the API does not accept the key: {}", failure.message);
            (
                "refuses the key",
                Vec::new(),
                Err(Failure { message, ..failure }),
            )
        }
        Err(error) => ("did not answer", Vec::new(), Err(Failure::from(error))),
    };
    let ids = projects
        .iter()
        .take(MAX_PROJECTS)
        .map(|project| project.project_id.clone())
        .collect::<Vec<_>>();
    let mut rows = vec![("Key", key), ("Base URL", base), ("API", api.to_owned())];
    if outcome.is_ok() {
        let seen = match projects.len() {
            0 => "none".to_owned(),
            n if n > MAX_PROJECTS => {
                format!("{}, and more (currents projects list)", ids.join(", "))
            }
            _ => ids.join(", "),
        };
        rows.push(("Projects", seen));
    }
    let value = json!({
        "key": key_from,
        "baseUrl": base_url,
        "baseUrlFrom": base_url_from,
        "accepted": outcome.is_ok(),
        "projects": ids,
    });
    output.done(&value, fields(&rows).trim_end())?;
    Ok(outcome?)
}
