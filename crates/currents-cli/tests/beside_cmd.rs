//! `currents` beside Currents' own `@currents/cmd` in one CI job: the same variables and
//! spellings mean the same things.

mod support;

use currents_fake::{FakeServer, RunFixture};
use support::{currents, stderr};

#[test]
fn the_rest_url_of_currents_cmd_is_read_as_it_reads_it() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").project("p").spec("m1", 0)])
        .start();
    let without_v1 = fake.base_url().trim_end_matches("/v1").to_owned();
    // (CURRENTS_REST_API_URL, CURRENTS_API_URL): with the first set, it wins.
    let cases = [
        (Some(without_v1.clone()), None),
        (Some(format!("{without_v1}/")), None),
        (Some(fake.base_url()), None),
        (
            Some(without_v1.clone()),
            Some("http://127.0.0.1:9/recording".to_owned()),
        ),
        (None, Some(fake.base_url())),
    ];
    for (rest, api) in cases {
        let mut command = currents(&fake);
        command.env_remove("CURRENTS_API_URL");
        if let Some(rest) = &rest {
            command.env("CURRENTS_REST_API_URL", rest);
        }
        if let Some(api) = &api {
            command.env("CURRENTS_API_URL", api);
        }
        let output = command
            .args(["runs", "find", "--project", "p"])
            .output()
            .expect("run currents");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{rest:?} {api:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn cmd_spellings_of_the_project_and_tags_are_taken() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1")
            .project("p")
            .tags(["a", "b"])
            .spec("m1", 0)])
        .start();
    // (arguments, the tags sent)
    let cases: [(&[&str], &[&str]); 4] = [
        (&["-p", "p"], &[]),
        (&["--project-id", "p"], &[]),
        (&["--project", "p", "--tag", "a,b"], &["a", "b"]),
        (&["-p", "p", "--tag", "a", "--tag", "b"], &["a", "b"]),
    ];
    for (args, tags) in cases {
        fake.clear_requests();
        let output = currents(&fake)
            .args(["runs", "find"])
            .args(args)
            .output()
            .expect("run currents");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        let sent = fake.requests();
        let query = sent[0].query.clone().unwrap_or_default();
        assert!(query.contains("projectId=p"), "{args:?}: {query}");
        let sent_tags = query
            .split('&')
            .filter_map(|pair| pair.strip_prefix("tags%5B%5D="))
            .collect::<Vec<_>>();
        assert_eq!(sent_tags, tags, "{args:?}: {query}");
    }
}

/// `auth status` says where the key and the base URL come from, never shows the key, and tells
/// a key the API refuses from one it accepts.
#[test]
fn auth_status_names_the_sources_and_never_the_key() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("r1").project("p").spec("m1", 0),
            RunFixture::new("r2").project("q").spec("m1", 0),
        ])
        .start();
    let key = fake.api_key().to_owned();
    let without_v1 = fake.base_url().trim_end_matches("/v1").to_owned();
    // (extra arguments, variables set, variables removed, exit code, what stdout's JSON holds)
    type Case<'a> = (
        Vec<&'a str>,
        Vec<(&'a str, String)>,
        Vec<&'a str>,
        i32,
        serde_json::Value,
    );
    let cases: [Case<'_>; 4] = [
        (
            vec![],
            vec![],
            vec![],
            0,
            serde_json::json!({ "key": "CURRENTS_API_KEY", "baseUrlFrom": "CURRENTS_API_URL", "accepted": true, "projects": ["p", "q"] }),
        ),
        (
            vec!["--api-key", &key],
            vec![("CURRENTS_REST_API_URL", without_v1.clone())],
            vec!["CURRENTS_API_KEY", "CURRENTS_API_URL"],
            0,
            serde_json::json!({ "key": "--api-key", "baseUrlFrom": "CURRENTS_REST_API_URL, with /v1 added", "accepted": true }),
        ),
        (
            vec![],
            vec![("CURRENTS_API_KEY", format!("{key}-revoked"))],
            vec![],
            3,
            serde_json::json!({ "key": "CURRENTS_API_KEY", "accepted": false, "projects": [] }),
        ),
        (
            vec![],
            vec![],
            vec!["CURRENTS_API_KEY"],
            2,
            serde_json::json!({ "key": null, "baseUrlFrom": "CURRENTS_API_URL" }),
        ),
    ];
    for (args, set, removed, exit, holds) in cases {
        let mut command = currents(&fake);
        for name in &removed {
            command.env_remove(name);
        }
        for (name, value) in &set {
            command.env(name, value);
        }
        let output = command
            .args(["auth", "status", "--output", "json"])
            .args(&args)
            .output()
            .expect("run currents");
        let (out, err) = (support::stdout(&output), stderr(&output));
        assert_eq!(
            output.status.code(),
            Some(exit),
            "{args:?} {set:?}: {out}{err}"
        );
        assert!(
            !out.contains(&key) && !err.contains(&key),
            "the key was shown: {out}{err}"
        );
        if exit == 3 {
            assert!(err.contains("does not accept the key"), "{err}");
        }
        let serde_json::Value::Object(expected) = holds else {
            panic!("a case holds an object");
        };
        let printed: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        for (field, value) in expected {
            // Lists are compared as sets: the projects come newest first.
            let sorted = |value: &serde_json::Value| match value.as_array() {
                Some(items) => {
                    let mut items = items.iter().map(ToString::to_string).collect::<Vec<_>>();
                    items.sort();
                    serde_json::json!(items)
                }
                None => value.clone(),
            };
            assert_eq!(sorted(&printed[&field]), sorted(&value), "{field} of {out}");
        }
    }
}
