//! Tables in a real 80-column pseudo-terminal (util-linux `script`): every line fits in 80
//! display columns, rows with CJK and emoji stay aligned, and times read as how long ago.

use std::process::Command as StdCommand;

mod support;

use console::measure_text_width;
use currents_fake::{
    FakeServer,
    demo::{DEMO_PROJECTS, demo_actions, demo_runs},
};
use support::BIN;

/// Branches, tags and spec names that are wide on a terminal.
const WIDE: [&str; 3] = [
    "機能/ログイン画面の改善-とても長いブランチ名",
    "🚀 release-candidate 🌙",
    "テスト/支払い.cy.ts",
];

fn fake() -> FakeServer {
    let mut runs = demo_runs(40, 3);
    for (index, run) in runs
        .iter_mut()
        .enumerate()
        .filter(|(index, _)| index % 3 == 0)
    {
        let run = &mut run.run;
        if let Some(commit) = run.meta.as_mut().and_then(|meta| meta.commit.as_mut()) {
            commit.branch = Some(format!("{}-{index}", WIDE[0]));
        }
        run.tags.push(WIDE[1].to_owned());
        if let Some(spec) = run.specs.first_mut() {
            spec.spec = Some(WIDE[2].to_owned());
        }
    }
    FakeServer::builder()
        .runs(runs)
        .actions(demo_actions())
        .start()
}

/// The lines `currents ARGS --output table` prints on an 80-column terminal.
fn on_a_terminal(fake: &FakeServer, args: &str) -> Vec<String> {
    let script = format!("stty cols 80 rows 50; exec '{BIN}' {args} --output table");
    let output = StdCommand::new("script")
        .args(["-qec", &script, "/dev/null"])
        .env("CURRENTS_API_KEY", fake.api_key())
        .env("CURRENTS_API_URL", fake.base_url())
        .env_remove("COLUMNS")
        .env("TZ", "UTC")
        .output()
        .expect("run script");
    assert!(output.status.success(), "{args}: {output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim_end_matches('\r').to_owned())
        .collect()
}

#[test]
fn every_table_fits_80_columns_with_wide_characters_aligned() {
    let fake = fake();
    let project = DEMO_PROJECTS[0];
    // (arguments, a column whose start must line up in every row)
    let cases = [
        (format!("runs list --project {project}"), "CREATED"),
        (format!("terms branch --project {project}"), "VALUE"),
        // The fake aggregates the explorers per page (about 0.5 s each in a debug build).
        (format!("tests --project {project} --limit 60"), "RUNS"),
        (format!("spec-files --project {project} --limit 60"), "RUNS"),
        (format!("actions list --project {project}"), "STATUS"),
        (format!("prs --project {project}"), "RUNS"),
    ];
    for (args, column) in cases {
        let lines = on_a_terminal(&fake, &args);
        assert!(lines.len() > 1, "{args}: {lines:?}");
        for line in &lines {
            assert!(measure_text_width(line) <= 80, "{args}: {line}");
        }
        // Where the column starts in the header, every row has a space before it and a
        // character at it: rows are aligned by display width, wide characters and all.
        let header = &lines[0];
        let start = measure_text_width(&header[..header.find(column).expect("the column")]);
        for line in &lines[1..] {
            let chars = display_columns(line);
            assert!(
                chars.get(start - 1) == Some(&' ') && chars.get(start).is_some_and(|c| *c != ' '),
                "{args}: {column} is not at column {start} in\n{header}\n{line}"
            );
        }
    }
}

#[test]
fn times_in_tables_are_relative() {
    let fake = fake();
    let project = DEMO_PROJECTS[0];
    let lines = on_a_terminal(&fake, &format!("runs list --project {project}"));
    for line in &lines[1..] {
        assert!(line.contains(" ago") || line.contains("just now"), "{line}");
    }
}

/// The characters of a line, one per display column (a wide character twice).
fn display_columns(line: &str) -> Vec<char> {
    line.chars()
        .flat_map(|c| std::iter::repeat_n(c, measure_text_width(c.encode_utf8(&mut [0; 4]))))
        .collect()
}

#[test]
fn a_run_with_412_failed_specs_fits_a_screen() {
    let mut run = currents_fake::demo::demo_run(11, 412);
    run.run.run_id = "big".to_owned();
    for spec in &mut run.run.specs {
        if let Some(results) = spec.results.as_mut() {
            results.exception = Some("Error: the page crashed".to_owned());
        }
    }
    let failed = currents::RunSummary::from(&run.run).failed_specs.len();
    assert_eq!(failed, 412);
    let fake = FakeServer::builder().runs([run]).start();
    let lines = on_a_terminal(&fake, "runs get big");
    assert!(lines.len() <= 50, "{} lines", lines.len());
    assert!(
        lines.contains(&format!("{} more (use --output json)", failed - 20)),
        "{lines:#?}"
    );
    for line in &lines {
        assert!(measure_text_width(line) <= 80, "{line}");
    }
}
