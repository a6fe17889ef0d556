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
