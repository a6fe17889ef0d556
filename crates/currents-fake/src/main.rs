//! `currents-fake`: serve a stateful local Currents REST API, by default at
//! http://127.0.0.1:4000/v1 (the spec's "Local development" server).

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use clap::Parser;
use currents_fake::{
    DEFAULT_API_KEY, DEFAULT_BIND, Fault, Operation, Spelling, demo, load_runs, parse_fault_flag,
    serve,
};

#[derive(Debug, Parser)]
#[command(
    name = "currents-fake",
    version,
    about = "A stateful local Currents REST API for development and tests"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = DEFAULT_BIND)]
    bind: SocketAddr,
    /// The API key clients must send as `Authorization: Bearer <key>`.
    #[arg(long, default_value = DEFAULT_API_KEY)]
    api_key: String,
    /// Serve the runs in this file: a JSON array of Run objects, in either spelling. Their
    /// fields that the spec does not list are answered too.
    #[arg(long, conflicts_with = "demo")]
    data: Option<PathBuf>,
    /// How enum values are spelled in answers: `production` (FAILED, COMPLETE), as Currents
    /// answers, or `documented` (failed, complete), as its docs spell them.
    #[arg(long, default_value = "production", value_parser = clap::value_parser!(Spelling))]
    spelling: Spelling,
    /// Serve this many generated demo runs (the default when no --data is given).
    #[arg(long, default_value_t = 25)]
    demo: usize,
    /// Seed for the demo runs; the same seed gives the same runs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The demo runs end just before this time (RFC 3339, such as 2026-11-30T12:00:00Z)
    /// instead of now; with --seed, the same data every time.
    #[arg(long, conflicts_with = "data")]
    demo_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Queue a fault for an operation, used by its next request: OPERATION=FAULT, such as
    /// getRun=status:503, getRun=status:429:retry-after=2, findRun=delay:2s, cancelRun=close,
    /// getRun=truncate:100, getRun=garbage, getRun=empty, getRun=gzip-bomb:104857600,
    /// resetRun=applied-then:502 or deleteRun=applied-then-close; and the paging faults
    /// listProjectRuns=lying-has-more, listProjects=repeated-cursor or getSpecFiles=short-page:3.
    /// Repeat to queue more.
    #[arg(long = "fault", value_parser = parse_fault_flag)]
    faults: Vec<(Operation, Fault)>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // Demo data comes with actions in every state; a data file has runs only.
    let actions = if args.data.is_none() {
        demo::demo_actions()
    } else {
        Vec::new()
    };
    let runs = match &args.data {
        Some(path) => {
            let loaded = std::fs::read_to_string(path)
                .map_err(|error| error.to_string())
                .and_then(|text| load_runs(&text).map_err(|error| error.to_string()));
            match loaded {
                Ok(runs) => runs,
                Err(error) => {
                    eprintln!("error: cannot load {}: {error}", path.display());
                    return ExitCode::from(2);
                }
            }
        }
        None => demo::demo_runs_ending(
            args.demo,
            args.seed,
            args.demo_until.unwrap_or_else(chrono::Utc::now),
        ),
    };
    let listener = match tokio::net::TcpListener::bind(args.bind).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.bind);
            return ExitCode::FAILURE;
        }
    };
    let mut projects = runs
        .iter()
        .map(|run| run.run.project_id.as_str())
        .collect::<Vec<_>>();
    projects.sort_unstable();
    projects.dedup();
    // The bound address, not the requested one: `--bind 127.0.0.1:0` picks a free port.
    let addr = listener
        .local_addr()
        .map_or_else(|_| args.bind.to_string(), |a| a.to_string());
    println!(
        "currents-fake serving {} runs at http://{addr}/v1",
        runs.len()
    );
    println!(
        "API key: {} (send it as `Authorization: Bearer <key>`)",
        args.api_key
    );
    println!("projects: {}", projects.join(", "));
    match serve(
        listener,
        args.api_key,
        args.spelling,
        runs,
        actions,
        args.faults,
        shutdown_signal(),
    )
    .await
    {
        Ok(()) => {
            println!("currents-fake stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on SIGINT or SIGTERM, so `kill` and Ctrl-C both stop the server cleanly.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("install a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
