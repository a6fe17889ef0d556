//! The EXAMPLES section of every command's help, from one table, and the JSON bodies the
//! commands that send one show. Tests hold every command to having examples and every body to
//! its schema in the spec.

use clap::{Command, CommandFactory as _};

use crate::{cli::Cli, exit::EXIT_CODES};

/// A minimal valid JSON body for a command that reads one with `--file`.
pub(crate) struct Body {
    /// The command, as its path below `currents`.
    pub(crate) command: &'static str,
    /// The spec's schema the body is decoded as.
    pub(crate) schema: &'static str,
    pub(crate) json: &'static str,
    /// The rest of the example's command line, after the body comes in on stdin.
    pub(crate) arguments: &'static str,
}

pub(crate) const BODIES: &[Body] = &[
    Body {
        command: "actions create",
        schema: "CreateActionRequest",
        json: r#"{"name":"Quarantine flaky login","action":[{"op":"quarantine"}],"matcher":{"op":"AND","cond":[{"type":"title","op":"eq","value":"logs in"}]}}"#,
        arguments: "-p web-app",
    },
    Body {
        command: "actions update",
        schema: "UpdateActionRequest",
        json: r#"{"description":"Flaky since the login redesign"}"#,
        arguments: "507f1f77bcf86cd799439011",
    },
    Body {
        command: "webhooks create",
        schema: "CreateWebhookRequest",
        json: r#"{"url":"https://ci.example.com/currents","hookEvents":["RUN_FINISH"]}"#,
        arguments: "-p web-app",
    },
    Body {
        command: "webhooks ensure",
        schema: "CreateWebhookRequest",
        json: r#"{"url":"https://ci.example.com/currents","hookEvents":["RUN_FINISH","RUN_CANCELED"]}"#,
        arguments: "-p web-app",
    },
    Body {
        command: "webhooks update",
        schema: "UpdateWebhookRequest",
        json: r#"{"label":"CI notifier"}"#,
        arguments: "2f1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    },
    Body {
        command: "jira create",
        schema: "CreateJiraIssueFromRunTestRequest",
        json: r#"{"runId":"6ae7fbfcb889dbcfc28f4a98","testId":"t1","jiraInstallationId":"11111111-2222-3333-4444-555555555555","jiraProjectId":"10000","jiraIssueType":"10001"}"#,
        arguments: "-p web-app",
    },
    Body {
        command: "jira link",
        schema: "LinkJiraIssueFromRunTestRequest",
        json: r#"{"runId":"6ae7fbfcb889dbcfc28f4a98","testId":"t1","jiraInstallationId":"11111111-2222-3333-4444-555555555555","jiraProjectId":"10000","jiraIssueType":"10001"}"#,
        arguments: "PROJ-123 -p web-app",
    },
];

/// Each command's examples, by its path below `currents` ("" for `currents` itself). The
/// commands with a body get theirs from [`BODIES`] as well.
const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "export CURRENTS_API_KEY=...",
            "currents runs list -p web-app --branch main --limit 20",
            "currents runs wait \"$RUN_ID\" --timeout 45m || exit $?",
        ],
    ),
    (
        "runs",
        &[
            "currents runs find -p web-app --branch main",
            "currents runs summary 6ae7fbfcb889dbcfc28f4a98",
        ],
    ),
    (
        "runs get",
        &[
            "currents runs get 6ae7fbfcb889dbcfc28f4a98",
            "currents runs get 6ae7fbfcb889dbcfc28f4a98 --output json | jq .status",
        ],
    ),
    (
        "runs find",
        &[
            "currents runs find -p web-app --branch main --tag nightly,smoke",
            "currents runs find -p web-app --ci-build-id \"$BUILD_ID\" --pw-last-run --last-run-file test-results/.last-run.json",
        ],
    ),
    (
        "runs cancel",
        &["currents runs cancel 6ae7fbfcb889dbcfc28f4a98"],
    ),
    (
        "runs cancel-github",
        &[
            "currents runs cancel-github --github-run-id \"$GITHUB_RUN_ID\" --attempt \"$GITHUB_RUN_ATTEMPT\" -p web-app",
        ],
    ),
    (
        "runs reset",
        &["currents runs reset 6ae7fbfcb889dbcfc28f4a98 --machine machine-1 --machine machine-2"],
    ),
    (
        "runs reset-failed",
        &["currents runs reset-failed 6ae7fbfcb889dbcfc28f4a98"],
    ),
    (
        "runs delete",
        &["currents runs delete 6ae7fbfcb889dbcfc28f4a98 --yes"],
    ),
    (
        "runs wait",
        &[
            "currents runs wait 6ae7fbfcb889dbcfc28f4a98 --timeout 45m",
            "currents runs wait \"$RUN_ID\" --output json | jq -r .status",
        ],
    ),
    (
        "runs list",
        &[
            "currents runs list -p web-app --branch 'release/*' --status failed",
            "currents runs list -p web-app --limit 500 --output json | jq -r .runId",
        ],
    ),
    (
        "runs summary",
        &["currents runs summary 6ae7fbfcb889dbcfc28f4a98 --output json"],
    ),
    ("projects", &["currents projects list"]),
    ("projects list", &["currents projects list --limit 10"]),
    ("projects get", &["currents projects get web-app"]),
    ("instances", &["currents instances get 3b374eda7b5e1c64"]),
    (
        "instances get",
        &["currents instances get 3b374eda7b5e1c64 --output json"],
    ),
    (
        "spec-files",
        &[
            "currents spec-files -p web-app --since 7d",
            "currents spec-files -p web-app --order failureRate --limit 20",
        ],
    ),
    (
        "tests",
        &[
            "currents tests -p web-app --since 14d --order flakiness --limit 20",
            "currents tests -p web-app --branch main --min-executions 10",
        ],
    ),
    (
        "test-results",
        &[
            "currents test-results \"$(currents signature -p web-app --spec login.cy.ts --title Login --title 'logs in')\" -p web-app",
        ],
    ),
    (
        "signature",
        &[
            "currents signature -p web-app --spec cypress/e2e/login.cy.ts --title Login --title 'logs in'",
        ],
    ),
    ("actions", &["currents actions list -p web-app"]),
    (
        "actions list",
        &["currents actions list -p web-app --status active"],
    ),
    (
        "actions get",
        &["currents actions get 507f1f77bcf86cd799439011"],
    ),
    (
        "actions delete",
        &["currents actions delete 507f1f77bcf86cd799439011 --yes"],
    ),
    (
        "actions enable",
        &["currents actions enable 507f1f77bcf86cd799439011"],
    ),
    (
        "actions disable",
        &["currents actions disable 507f1f77bcf86cd799439011"],
    ),
    (
        "actions tests",
        &["currents actions tests -p web-app --since 7d"],
    ),
    (
        "actions executions",
        &["currents actions executions --action 507f1f77bcf86cd799439011 --since 7d"],
    ),
    (
        "errors",
        &["currents errors -p web-app --since 7d --limit 20"],
    ),
    ("webhooks", &["currents webhooks list -p web-app"]),
    ("webhooks list", &["currents webhooks list -p web-app"]),
    (
        "webhooks get",
        &["currents webhooks get 2f1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
    ),
    (
        "webhooks delete",
        &["currents webhooks delete 2f1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d --yes"],
    ),
    (
        "context",
        &[
            "currents context --run 6ae7fbfcb889dbcfc28f4a98",
            "currents context --run 6ae7fbfcb889dbcfc28f4a98 --format md",
        ],
    ),
    ("prs", &["currents prs -p web-app --limit 10"]),
    (
        "terms",
        &[
            "currents terms branch -p web-app",
            "currents terms tag -p web-app --output json",
        ],
    ),
    (
        "jira",
        &["currents jira projects --installation 11111111-2222-3333-4444-555555555555"],
    ),
    (
        "jira projects",
        &["currents jira projects --installation 11111111-2222-3333-4444-555555555555"],
    ),
    (
        "jira issue-types",
        &[
            "currents jira issue-types --installation 11111111-2222-3333-4444-555555555555 --jira-project 10000",
        ],
    ),
    (
        "api",
        &[
            "currents api projects --jq '.data[].projectId'",
            "currents api projects/web-app/runs --paginate -f 'branches[]=main' --slurp",
            "currents api -X PUT runs/6ae7fbfcb889dbcfc28f4a98/cancel -i",
            "currents api 'webhooks?projectId=web-app' -F url=@hook-url.txt",
        ],
    ),
    ("auth", &["currents auth status"]),
    (
        "auth status",
        &[
            "currents auth status",
            "currents auth status --output json | jq -e .accepted",
        ],
    ),
    (
        "completions",
        &["currents completions zsh > ~/.zfunc/_currents"],
    ),
];

/// The command line with every command's examples, before its exit codes where it lists them.
pub(crate) fn command() -> Command {
    with_examples(Cli::command(), "")
}

fn with_examples(command: Command, path: &str) -> Command {
    // A comment and the body it introduces are shown without the prompt.
    let mut lines = examples(path)
        .into_iter()
        .map(|line| match line.chars().next() {
            Some(' ' | '#') => format!("  {line}"),
            _ => format!("  $ {line}"),
        })
        .collect::<Vec<_>>();
    if lines.is_empty() {
        // A command without examples is caught by a test, not left without help.
        lines.push("  (none)".to_owned());
    }
    let mut after = format!("Examples:\n{}", lines.join("\n"));
    if command.get_after_help().is_some() {
        after.push_str(&format!("\n\n{}", EXIT_CODES.as_str()));
    }
    let mut command = command.after_help(after);
    let names = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect::<Vec<_>>();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        command = command.mut_subcommand(&name, |sub| with_examples(sub, &sub_path));
    }
    command
}

/// The example lines of the command at `path`.
fn examples(path: &str) -> Vec<String> {
    let mut lines = EXAMPLES
        .iter()
        .filter(|(command, _)| *command == path)
        .flat_map(|(_, lines)| lines.iter().map(|line| (*line).to_owned()))
        .collect::<Vec<_>>();
    for body in BODIES.iter().filter(|body| body.command == path) {
        // Pretty-printed, so that no line of the help is wider than a terminal.
        let pretty = serde_json::from_str::<serde_json::Value>(body.json)
            .and_then(|json| serde_json::to_string_pretty(&json))
            .unwrap_or_else(|_| body.json.to_owned());
        lines.push(format!("# body.json, a minimal {}:", body.schema));
        lines.extend(pretty.lines().map(|line| format!("  {line}")));
        lines.push(format!(
            "currents {} {} --file body.json",
            body.command, body.arguments
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command's path below `currents`.
    fn paths(command: &Command, path: &str, found: &mut Vec<String>) {
        found.push(path.to_owned());
        for sub in command.get_subcommands() {
            let sub_path = [path, sub.get_name()]
                .iter()
                .filter(|part| !part.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            paths(sub, &sub_path, found);
        }
    }

    #[test]
    fn every_command_has_examples_and_every_example_a_command() {
        let mut found = Vec::new();
        paths(&Cli::command(), "", &mut found);
        let missing = found
            .iter()
            .filter(|path| examples(path).is_empty())
            .collect::<Vec<_>>();
        assert!(missing.is_empty(), "commands without examples: {missing:?}");
        for (path, lines) in EXAMPLES {
            assert!(found.iter().any(|p| p == path), "no command {path:?}");
            for line in *lines {
                assert!(
                    line.starts_with("currents") || line.starts_with("export"),
                    "{line}"
                );
            }
        }
        for body in BODIES {
            assert!(
                found.iter().any(|p| p == body.command),
                "no command {}",
                body.command
            );
        }
    }

    #[test]
    fn every_body_is_valid_by_its_schema() {
        for body in BODIES {
            let schema =
                serde_json::json!({ "$ref": format!("#/components/schemas/{}", body.schema) });
            let json: serde_json::Value = serde_json::from_str(body.json).expect("JSON");
            let errors = currents_fake::schema::validator(&schema)
                .iter_errors(&json)
                .map(|error| error.to_string())
                .collect::<Vec<_>>();
            assert!(errors.is_empty(), "{}: {errors:?}", body.command);
        }
    }

    #[test]
    fn every_example_parses_as_its_command() {
        for body in BODIES {
            let line = format!(
                "currents {} {} --file body.json",
                body.command, body.arguments
            );
            let parsed = command().try_get_matches_from(line.split_whitespace());
            assert!(parsed.is_ok(), "{line}: {parsed:?}");
        }
        for (path, lines) in EXAMPLES {
            // A line with `$(...)` is two commands; the inner one has its own example.
            let commands = lines
                .iter()
                .filter(|line| line.starts_with("currents ") && !line.contains("$("));
            for line in commands {
                // The command's own words, up to a pipe or a redirection, as a shell splits them;
                // `$VAR` stands for a value the shell fills in.
                let command_line = line.split(['|', '>']).next().unwrap_or_default();
                let words = shlex::split(command_line)
                    .unwrap_or_else(|| panic!("{path}: {line}: not shell words"))
                    .into_iter()
                    .map(|word| match word.as_str() {
                        "$GITHUB_RUN_ATTEMPT" => "1".to_owned(),
                        "$GITHUB_RUN_ID" => "1234567890".to_owned(),
                        word if word.contains('$') => "6ae7fbfcb889dbcfc28f4a98".to_owned(),
                        word => word.to_owned(),
                    })
                    .collect::<Vec<_>>();
                let parsed = command().try_get_matches_from(&words);
                assert!(parsed.is_ok(), "{path}: {line}: {parsed:?}");
            }
        }
    }
}
