//! What each kind of spec change does to the bindings, on a copy of the workspace.
//!
//! Each case edits one published fragment as the docs might change it, regenerates the spec
//! with `cargo xtask gen`, and runs what that kind of change must trip:
//! - a renamed parameter renames a field of the generated request type: the facade code that
//!   sets it no longer compiles;
//! - a new optional query parameter gets a generated setter: a caller sets it through the
//!   facade, with no hand edit, and it goes on the wire;
//! - a removed filter takes its setter away: a caller of it no longer compiles;
//! - a moved path or a changed method is followed by the client and the fake alike; `xtask gen`
//!   reports it as breaking, and the one snapshot of that operation changes.
//!
//! The copy is [`workspace_copy`]'s.

mod workspace_copy;

use std::{fs, path::Path};

use serde_json::Value;
use workspace_copy::{
    SNAPSHOTS, cargo, copy_workspace, mutate, project_runs_parameters, text, workspace,
};

/// A test of the copy's facade, as a user of the crate would write it.
const CALLER: &str = r#"
use currents::{Client, ProjectId, prelude::*};
use currents_fake::FakeServer;
use futures_util::TryStreamExt as _;

#[tokio::test]
async fn the_caller() {
    let fake = FakeServer::start();
    let client = Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .build()
        .expect("a client");
    let project: ProjectId = "p".parse().expect("a project id");
    let runs = client.projects().runs(&project);
    let _ = runs.CALL.stream().try_collect::<Vec<_>>().await;
    let sent = fake.requests();
    assert!(
        sent.iter().any(|request| request.query.as_deref().unwrap_or_default().contains("SENT")),
        "{sent:?}"
    );
}
"#;

/// What a case must do after the spec is regenerated.
enum Expect {
    /// `cargo <args>` fails, saying each of these.
    Fails(&'static [&'static str], &'static [&'static str]),
    /// `cargo <args>` passes.
    Passes(&'static [&'static str]),
}

struct Case {
    what: &'static str,
    fragment: &'static str,
    edit: fn(&mut Value),
    /// A caller's call on a project's runs (`CALL`) and what it sends (`SENT`), written to
    /// the copy's `crates/currents/tests/caller.rs` before the check.
    caller: Option<(&'static str, &'static str)>,
    /// What `xtask gen` must say of the change.
    reported: &'static [&'static str],
    expect: Expect,
}

const CHECK_FACADE: &[&str] = &["check", "--offline", "-p", "currents", "--lib"];
const CHECK_CLI: &[&str] = &["check", "--offline", "-p", "currents-cli"];
const CALLER_TEST: &[&str] = &["test", "--offline", "-p", "currents", "--test", "caller"];

fn cases() -> Vec<Case> {
    vec![
        Case {
            what: "findRun's `branch` renamed to `branchName`",
            fragment: "findRun.json",
            edit: |doc| {
                let parameters = doc["paths"]["/runs/find"]["get"]["parameters"]
                    .as_array_mut()
                    .expect("parameters");
                let branch = parameters
                    .iter_mut()
                    .find(|parameter| parameter["name"] == "branch")
                    .expect("a branch parameter");
                branch["name"] = "branchName".into();
            },
            caller: None,
            reported: &["breaking", "`branch`"],
            expect: Expect::Fails(CHECK_FACADE, &["no field `branch`"]),
        },
        Case {
            what: "listProjectRuns gains an optional `machine` filter",
            fragment: "listProjectRuns.json",
            edit: |doc| {
                project_runs_parameters(doc).push(serde_json::json!({
                    "name": "machine", "in": "query", "required": false,
                    "description": "Only runs that used this machine.",
                    "schema": { "type": "string" }
                }));
            },
            caller: Some((r#"machine("m1")"#, "machine=m1")),
            reported: &["additive", "`machine`"],
            expect: Expect::Passes(CALLER_TEST),
        },
        Case {
            what: "listProjectRuns loses its `authors[]` filter",
            fragment: "listProjectRuns.json",
            edit: |doc| {
                project_runs_parameters(doc).retain(|parameter| {
                    parameter["$ref"] != "#/components/parameters/RunFeedAuthorQuery"
                });
            },
            // The CLI's `runs list --author` is a caller of it.
            caller: None,
            reported: &["breaking", "`authors[]`"],
            // Other lists still filter by author, so rustc says the method is theirs.
            expect: Expect::Fails(
                CHECK_CLI,
                &[
                    "the method `authors` exists for struct `Query<'_, ",
                    "operations::ListProjectRuns>`, but its trait bounds were not satisfied",
                ],
            ),
        },
        Case {
            what: "cancelRun moves from `/runs/{runId}/cancel` to `/runs/{runId}/stop`",
            fragment: "cancelRun.json",
            edit: |doc| {
                let paths = doc["paths"].as_object_mut().expect("paths");
                let item = paths
                    .remove("/runs/{runId}/cancel")
                    .expect("the cancel path");
                paths.insert("/runs/{runId}/stop".into(), item);
            },
            caller: None,
            reported: &["breaking", "moved from `PUT /runs/{runId}/cancel`"],
            // The operation table and the operation's own snapshot; nothing else.
            expect: Expect::Fails(
                SNAPSHOTS,
                &[
                    r#"differs from the reviewed snapshots in ["operations", "operations-cancel_run"]"#,
                ],
            ),
        },
        Case {
            what: "resetRun's method changes from PUT to POST",
            fragment: "resetRun.json",
            edit: |doc| {
                let item = doc["paths"]["/runs/{runId}/reset"]
                    .as_object_mut()
                    .expect("the reset path");
                let operation = item.remove("put").expect("a PUT");
                item.insert("post".into(), operation);
            },
            caller: None,
            reported: &["breaking", "`POST /runs/{runId}/reset`"],
            expect: Expect::Fails(
                SNAPSHOTS,
                &[
                    r#"differs from the reviewed snapshots in ["operations", "operations-reset_run"]"#,
                ],
            ),
        },
    ]
}

fn restore(copy: &Path, fragment: &str) {
    let original = workspace().join("spec/fragments").join(fragment);
    fs::copy(original, copy.join("spec/fragments").join(fragment)).expect("restore");
}

#[test]
fn each_kind_of_spec_change_trips_its_own_alarm() {
    let (_dir, copy) = copy_workspace();
    let caller_file = copy.join("crates/currents/tests/caller.rs");
    for case in cases() {
        let report = mutate(&copy, case.fragment, case.edit);
        for said in case.reported {
            assert!(
                report.contains(said),
                "{}: xtask gen said\n{report}",
                case.what
            );
        }
        match case.caller {
            Some((call, sent)) => {
                let caller = CALLER.replace("CALL", call).replace("SENT", sent);
                fs::write(&caller_file, caller).expect("write the caller");
            }
            None => {
                let _ = fs::remove_file(&caller_file);
            }
        }
        match case.expect {
            Expect::Fails(args, says) => {
                let output = cargo(&copy, args);
                assert!(!output.status.success(), "{}: went unnoticed", case.what);
                for said in says {
                    assert!(
                        text(&output).contains(said),
                        "{}: {}",
                        case.what,
                        text(&output)
                    );
                }
            }
            Expect::Passes(args) => {
                let output = cargo(&copy, args);
                assert!(output.status.success(), "{}: {}", case.what, text(&output));
            }
        }
        restore(&copy, case.fragment);
    }
}
