//! What the benchmarks that criterion does not time share: where their results go.

/// Writes `results` to `target/criterion/<file>` for `cargo xtask bench-report`, only when
/// benchmarking (`cargo bench` passes `--bench`), so that `cargo test` leaves nothing behind.
pub(crate) fn write_results(file: &str, results: &serde_json::Value) {
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        Into::into,
    );
    let dir = target.join("criterion");
    std::fs::create_dir_all(&dir).expect("create target/criterion");
    std::fs::write(
        dir.join(file),
        serde_json::to_string_pretty(results).expect("JSON"),
    )
    .unwrap_or_else(|error| panic!("cannot write {file}: {error}"));
}
