//! CI integrations checked with the real tools: the pre-commit hook through
//! `pre-commit try-repo`, and the GitHub action's structure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn venv_tool(name: &str) -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    if local.exists() {
        local
    } else {
        PathBuf::from(name)
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
#[cfg_attr(
    not(all(docseal_test_git, docseal_test_pre_commit)),
    ignore = "needs git and pre-commit (scripts/test installs pre-commit into .venv)"
)]
fn pre_commit_hook_accepts_valid_and_refuses_invalid_statements() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::copy("statements/kz-rs-2026-02-27.json", repo.join("valid.json")).unwrap();
    std::fs::copy(
        "tests/fixtures/invalid-statement.json",
        repo.join("invalid.json"),
    )
    .unwrap();
    git(&repo, &["add", "valid.json", "invalid.json"]);
    let bin = Path::new(env!("CARGO_BIN_EXE_docseal"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |files: &[&str]| {
        let out = Command::new(venv_tool("pre-commit"))
            .args([
                "try-repo",
                env!("CARGO_MANIFEST_DIR"),
                "docseal-validate-system",
                "--files",
            ])
            .args(files)
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.path().join("cache"))
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .expect("pre-commit is installed (.ci/run puts it in .venv)");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, text) = run(&["valid.json"]);
    assert!(ok, "{text}");
    assert!(
        text.contains("docseal validate (docseal on PATH)") && text.contains("Passed"),
        "{text}"
    );
    let (ok, text) = run(&["valid.json", "invalid.json"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("invalid.json:8:5: error[schema/required]"),
        "{text}"
    );
}

#[test]
#[cfg_attr(
    not(docseal_test_pre_commit),
    ignore = "needs python with PyYAML (scripts/test installs pre-commit, which brings it, into .venv)"
)]
fn action_yml_is_a_well_formed_composite_action() {
    let script = r#"
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
assert isinstance(a["name"], str) and a["name"], "name"
assert isinstance(a["description"], str) and a["description"], "description"
assert a["runs"]["using"] == "composite", "composite"
steps = a["runs"]["steps"]
assert len(steps) >= 2, "steps"
for s in steps:
    assert "run" in s and s.get("shell") == "bash", f"each composite run step needs shell: {s}"
for name, i in a["inputs"].items():
    assert "description" in i, f"input {name} has no description"
ids = {s.get("id") for s in steps}
for name, o in a["outputs"].items():
    assert "value" in o and "steps." in o["value"], f"output {name}"
    assert o["value"].split("steps.")[1].split(".")[0] in ids, f"output {name} refers to no step"
text = open(sys.argv[1]).read()
assert "--format github" in text and "--format sarif" in text
print("ok")
"#;
    let out = Command::new(venv_tool("python"))
        .args(["-c", script, "action.yml"])
        .output()
        .expect("python with PyYAML (.ci/run installs pre-commit, which brings it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The hook file names only hooks that validate.
    let hooks = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    assert!(hooks.contains("id: docseal-validate\n") && hooks.contains("entry: docseal validate"));
}
