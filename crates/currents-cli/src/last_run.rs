//! `runs find --pw-last-run --last-run-file PATH`: Playwright's `.last-run.json`, with the bytes
//! Currents' own CLI (`@currents/cmd`) writes for the same answer, so that
//! `playwright test --last-failed` reruns only the failed tests.

use std::{
    env, fs,
    io::{self, Write as _},
    path::{Component, Path, PathBuf},
};

use crate::{exit::Failure, js_json};

/// The file's content for a findRun answer's `data`, as `@currents/cmd` computes it: the
/// answer's `pwLastRun` when it has one, and the whole `data` otherwise.
pub(crate) fn content(data: &str) -> Result<String, serde_json::Error> {
    let data = js_json::parse(data)?;
    Ok(match data.property("pwLastRun") {
        Some(last_run) if last_run.is_truthy() => last_run.stringify_pretty(),
        _ => data.stringify_pretty(),
    })
}

/// Where to write, checked before any request is sent: an absolute path anywhere, a relative
/// one only inside the working directory.
pub(crate) fn target(path: &Path) -> Result<PathBuf, Failure> {
    if path.is_absolute() {
        return Ok(path.to_owned());
    }
    let refuse = |why: &str| {
        Failure::invalid(format!(
            "--last-run-file {}: {why}; give an absolute path to write elsewhere",
            path.display()
        ))
    };
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            _ => return Err(refuse("it leads outside the working directory")),
        }
    }
    if depth == 0 {
        return Err(refuse("it names the working directory, not a file in it"));
    }
    let cwd =
        env::current_dir().map_err(|error| refuse(&format!("no working directory ({error})")))?;
    Ok(cwd.join(path))
}

/// Writes the file whole or not at all: into a temporary file beside it, then renamed over it.
/// Missing folders are created. A relative path that a symbolic link leads outside the working
/// directory is refused.
pub(crate) fn write(path: &Path, relative: bool, content: &str) -> io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder)?;
    if relative {
        let cwd = env::current_dir()?.canonicalize()?;
        if !folder.canonicalize()?.starts_with(&cwd) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{} leads outside the working directory through a symbolic link",
                    folder.display()
                ),
            ));
        }
    }
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    // A temporary file is private (0600); `@currents/cmd` writes 0644, which a test container
    // running as another user can read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    file.write_all(content.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every answer in `tests/fixtures/last-run/` gives the bytes `@currents/cmd` wrote for it.
    #[test]
    fn the_content_is_what_currents_cmd_writes() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/last-run");
        for case in 1..=5 {
            let read = |name: String| fs::read_to_string(fixtures.join(name)).expect("fixture");
            let answer: serde_json::Value =
                serde_json::from_str(&read(format!("answer-{case}.json"))).expect("JSON");
            // The data member exactly as it appears in the answer.
            let answer_text = read(format!("answer-{case}.json"));
            let data = &answer_text[answer_text.find(r#""data":"#).expect("data") + 7
                ..answer_text.trim_end().len() - 1];
            assert!(answer["data"].is_object(), "case {case}");
            assert_eq!(
                content(data).expect("valid JSON"),
                read(format!("last-run-{case}.json")),
                "case {case}"
            );
        }
    }

    #[test]
    fn relative_paths_stay_in_the_working_directory() {
        for ok in ["out/.last-run.json", "./a/../b.json", "x.json"] {
            assert!(target(Path::new(ok)).is_ok(), "{ok}");
        }
        for refused in ["../x.json", "a/../../x.json", ".", "a/.."] {
            assert!(target(Path::new(refused)).is_err(), "{refused}");
        }
        assert_eq!(
            target(Path::new("/tmp/x.json")).expect("absolute"),
            Path::new("/tmp/x.json")
        );
    }
}
