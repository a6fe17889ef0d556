//! Invalid input is refused with the rule it breaks, and no request reaches the fake.

use currents::prelude::*;
use currents::{BranchFilter, Error, MachineId, ProjectId, ResetOptions, RunId, Tag};
use currents_fake::{FakeServer, RunFixture};
use futures_util::TryStreamExt as _;
use integration_tests::{client, run_id};

#[test]
fn hostile_run_ids_are_refused_with_their_rule() {
    for (value, rule) in [
        ("..", "'.' and '..' are path segments, not run ids"),
        (".", "'.' and '..' are path segments, not run ids"),
        ("a/b", "character '/' at position 2 is not allowed"),
        ("a\\b", "character '\\\\' at position 2 is not allowed"),
        ("", "must not be empty"),
    ] {
        let error = value.parse::<RunId>().expect_err(value);
        assert!(error.rule().starts_with(rule), "{value:?}: {error}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("run id '{}'", value.escape_debug())),
            "{error}"
        );
    }
}

#[tokio::test]
async fn invalid_input_sends_no_request() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").status("running").github("1", 1)])
        .start();
    let client = client(&fake);
    let project: ProjectId = "p".parse().expect("valid");

    // Setters never fail: the branch is checked when the query is sent, before any request.
    for bad in ["bad branch", "a*b", "*", "", "été", &"x".repeat(251)] {
        let sent = client.runs().find(&project).branch(bad).send().await;
        let Err(Error::Validation(error)) = sent else {
            panic!("{bad:?} was not refused: {sent:?}");
        };
        assert_eq!(error.subject(), "branch filter");
        assert!(!error.rule().is_empty());
    }
    assert_eq!(
        BranchFilter::new("release /x")
            .expect_err("space")
            .to_string(),
        "branch filter 'release /x': character ' ' at position 8 is not allowed"
    );

    let raw_reset = client
        .runs()
        .reset_batch(&run_id("r1"), &[], ResetOptions::default())
        .await
        .expect_err("0 machines");
    assert!(raw_reset.is_validation());
    assert_eq!(
        raw_reset.to_string(),
        "invalid input: machine ids '0 ids': one reset takes 1 to 63 machine ids; use reset() for any number"
    );
    let too_many = (0..64)
        .map(|n| MachineId::new(format!("m{n}")).expect("valid"))
        .collect::<Vec<_>>();
    assert!(
        client
            .runs()
            .reset_batch(&run_id("r1"), &too_many, ResetOptions::default())
            .await
            .expect_err("64 machines")
            .is_validation()
    );

    let bad_tag = client
        .runs()
        .find(&project)
        .tags(["ok", ""])
        .send()
        .await
        .expect_err("empty tag");
    assert_eq!(
        bad_tag.to_string(),
        "invalid input: tags[] '': must not be empty"
    );
    let bad_build = client
        .runs()
        .find(&project)
        .ci_build_id("a\u{0}b")
        .send()
        .await
        .expect_err("NUL");
    assert_eq!(
        bad_build.to_string(),
        "invalid input: ciBuildId 'a\\0b': character '\\0' at position 2 is not allowed \
         (the spec's pattern is ^[^\\x00-\\x1F\\x7F-\\x9F]+$)"
    );
    let bad_github_build = client
        .runs()
        .cancel_github("1", 1)
        .ci_build_id("a\nb")
        .send()
        .await
        .expect_err("a line break in the build id");
    assert!(
        bad_github_build
            .to_string()
            .starts_with("invalid input: ci build id 'a\\nb': control character"),
        "{bad_github_build}"
    );
    let bad_github = client
        .runs()
        .cancel_github("12a", 1)
        .send()
        .await
        .expect_err("not numeric");
    assert!(
        bad_github
            .to_string()
            .contains("must be the numeric workflow run id"),
        "{bad_github}"
    );
    let bad_attempt = client
        .runs()
        .cancel_github("12", 0)
        .send()
        .await
        .expect_err("attempt 0");
    assert!(bad_attempt.is_validation());
    assert!(
        "".parse::<ProjectId>().is_err()
            && "\n".parse::<Tag>().is_err()
            && "".parse::<MachineId>().is_err()
    );

    assert!(
        fake.requests().is_empty(),
        "no request may reach the API: {:?}",
        fake.requests()
    );
}

#[tokio::test]
async fn every_branch_filter_is_refused_with_one_rule() {
    let fake = FakeServer::builder().start();
    let client = client(&fake);
    let project: ProjectId = "p".parse().expect("valid");
    // findRun's `branch` and the lists' `branches[]` share one language and one message.
    for (bad, rule) in [
        (
            "re*lease",
            "'*' at position 3 is not allowed; '*' may only come last",
        ),
        (
            "*",
            "a prefix needs at least one character before the trailing '*'",
        ),
        ("rel ease", "character ' ' at position 4 is not allowed"),
    ] {
        let found = client.runs().find(&project).branch(bad).send().await;
        let listed = client
            .projects()
            .runs(&project)
            .branches([bad])
            .stream()
            .try_collect::<Vec<_>>()
            .await;
        for (call, sent) in [
            ("findRun", found.map(drop)),
            ("listProjectRuns", listed.map(drop)),
        ] {
            let Err(Error::Validation(error)) = sent else {
                panic!("{call}: {bad:?} was not refused: {sent:?}");
            };
            assert!(error.rule().starts_with(rule), "{call}: {bad:?}: {error}");
        }
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn the_client_refuses_insecure_or_incomplete_configuration() {
    let build = |url: &str| {
        currents::Client::builder()
            .api_key("k")
            .base_url(url)
            .build()
    };
    assert!(
        build("http://api.currents.dev/v1")
            .is_err_and(|e| e.to_string().contains("only allowed for loopback"))
    );
    assert!(
        build("https://user:pw@api.currents.dev/v1").is_err_and(|e| !e.to_string().contains("pw"))
    );
    assert!(
        build("https://api.currents.dev/v1/")
            .is_ok_and(|c| c.config().base_url.as_str() == "https://api.currents.dev/v1")
    );
    let no_key = currents::Client::builder().build().expect_err("no key");
    assert_eq!(
        no_key.to_string(),
        "invalid input: api key '': is required; set it with api_key or api_key_from_env"
    );
    let bad_key = currents::Client::builder()
        .api_key("sk-1\nSECRET")
        .build()
        .expect_err("bad key");
    assert!(bad_key.is_validation());
    assert!(
        !bad_key.to_string().contains("SECRET") && !format!("{bad_key:?}").contains("SECRET"),
        "{bad_key:?}"
    );
}
