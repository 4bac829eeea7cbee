//! The command line's surface: `--help` of every command pinned, and
//! docs/CLI.md in step with the commands that exist.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_snapshot, docseal, run};

/// Subcommand names listed under "Commands:" in a help text.
fn subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.starts_with("Commands:") {
            inside = true;
            continue;
        }
        if inside {
            if !line.starts_with("  ") {
                break;
            }
            if let Some(name) = line.split_whitespace().next()
                && name != "help"
                && line.starts_with("  ")
                && !line.starts_with("    ")
            {
                out.push(name.to_string());
            }
        }
    }
    out
}

fn help(path: &[String]) -> String {
    let (code, out, err) = run(docseal().args(path).arg("--help").env("COLUMNS", "100"));
    assert_eq!(code, 0, "{path:?}: {err}");
    out
}

/// Every command path: ["validate"], ["key", "generate"], …
fn all_commands() -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack: Vec<Vec<String>> = subcommands(&help(&[]))
        .into_iter()
        .map(|c| vec![c])
        .collect();
    while let Some(path) = stack.pop() {
        for sub in subcommands(&help(&path)) {
            let mut child = path.clone();
            child.push(sub);
            stack.push(child);
        }
        out.push(path);
    }
    out.sort();
    out
}

#[test]
fn help_of_every_command_is_pinned() {
    assert_snapshot("help/docseal.txt", &help(&[]));
    let commands = all_commands();
    assert!(commands.len() >= 25, "{commands:?}");
    for path in commands {
        assert_snapshot(
            &format!("help/docseal-{}.txt", path.join("-")),
            &help(&path),
        );
    }
}

#[test]
fn docs_cli_md_lists_every_command_and_only_those() {
    let doc = std::fs::read_to_string("docs/CLI.md").unwrap();
    let commands = all_commands();
    for path in &commands {
        let mention = format!("docseal {}", path.join(" "));
        assert!(
            doc.contains(&mention),
            "docs/CLI.md does not mention `{mention}`"
        );
    }
    // Every `docseal X [Y]` that starts a line of a usage block exists.
    for line in doc.lines() {
        let line = line.trim_start();
        let Some(rest) = line.strip_prefix("docseal ") else {
            continue;
        };
        let words: Vec<&str> = rest
            .split_whitespace()
            .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            .collect();
        if words.is_empty() {
            continue;
        }
        let known = commands.iter().any(|c| {
            words.starts_with(&c.iter().map(String::as_str).collect::<Vec<_>>()[..])
                && c.len() <= words.len()
        }) || commands.iter().any(|c| c[0] == words[0] && c.len() == 1);
        assert!(
            known,
            "docs/CLI.md shows `docseal {}`, which is no command",
            words.join(" ")
        );
    }
}
