//! A service's use of the packaged crates: a client against the packaged fake, a run fetched,
//! a project's runs walked, and the answer's metadata read.

use currents::{Client, ProjectId, RunId};
use currents_fake::{FakeServer, demo::demo_runs};
use futures_util::TryStreamExt as _;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeServer::builder().runs(demo_runs(5, 7)).start();
    let client = Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .build()?;
    let first = fake.runs().into_iter().next().ok_or("the demo has runs")?;
    let run_id: RunId = first.run_id.parse()?;
    let run = client.runs().get(&run_id).await?;
    let meta = run
        .meta()
        .ok_or("a fetched run has its answer's metadata")?;
    assert_eq!(meta.status(), 200);
    let project: ProjectId = first.project_id.parse()?;
    let runs = client
        .projects()
        .runs(&project)
        .stream()
        .try_collect::<Vec<_>>()
        .await?;
    assert!(
        runs.iter()
            .any(|listed| listed.run_id.as_deref() == Some(run.run_id.as_str()))
    );
    println!(
        "consumer: run {} ({}), {} runs in project {}, built from the packaged crates",
        run.run_id,
        run.status,
        runs.len(),
        project
    );
    Ok(())
}
