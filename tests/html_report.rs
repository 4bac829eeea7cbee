//! The HTML verification report, rendered by a real browser (headless
//! Chromium; `.ci/run` installs Debian's `chromium`).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use common::{docseal, run};

fn chromium(args: &[&str], page: &Path, profile: &Path) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium is installed (.ci/run installs Debian's chromium)")
}

#[test]
#[cfg_attr(
    not(docseal_test_chromium),
    ignore = "needs chromium (scripts/test installs Debian's chromium as root)"
)]
fn the_report_renders_in_a_browser_with_verdict_signers_and_all_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    let page = dir.path().join("report.html");
    let (code, _, err) = run(docseal()
        .args([
            "verify",
            "--keyring",
            common::KEYRING,
            "--format",
            "html",
            "-o",
        ])
        .arg(&page)
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("http://") && !html.contains("src="),
        "the page must be self-contained"
    );

    let out = chromium(&["--dump-dom"], &page, &dir.path().join("profile"));
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("id=\"verdict\"") && dom.contains("data-verdict=\"authentic\""),
        "{dom}"
    );
    assert!(dom.contains(">AUTHENTIC<"), "{dom}");
    assert!(!dom.contains("NOT AUTHENTIC"));
    assert_eq!(dom.matches("<tr class=\"signer\">").count(), 2);
    assert!(dom.contains("Kassym-Jomart Tokayev") && dom.contains("Aleksandar Vučić"));
    for n in 1..=19 {
        assert!(
            dom.contains(&format!("class=\"para paragraph\" data-label=\"{n}\"")),
            "paragraph {n} missing"
        );
    }
    // The homoglyph of paragraph 12 is visible, marked.
    let p12 = dom
        .split("data-label=\"12\"")
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        p12.contains("<mark class=\"lint\"") && p12.contains("U+0430"),
        "{p12}"
    );

    let shot = dir.path().join("report.png");
    let out = chromium(
        &[
            "--window-size=1000,2400",
            &format!("--screenshot={}", shot.display()),
        ],
        &page,
        &dir.path().join("profile2"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut magic = [0u8; 8];
    std::fs::File::open(&shot)
        .unwrap()
        .read_exact(&mut magic)
        .unwrap();
    assert_eq!(&magic, b"\x89PNG\r\n\x1a\n");
}

#[test]
#[cfg_attr(
    not(docseal_test_chromium),
    ignore = "needs chromium (scripts/test installs Debian's chromium as root)"
)]
fn a_tampered_bundle_reads_not_authentic() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    // Change one word of the statement inside the bundle.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&bundle).unwrap()).unwrap();
    let tampered = dir.path().join("tampered.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&tampered).unwrap());
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name.ends_with("data/statement.txt") {
            bytes = String::from_utf8(bytes)
                .unwrap()
                .replace("EXPO 2027", "EXPO 2028")
                .into_bytes();
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
    let page = dir.path().join("report.html");
    let (code, _, _) = run(docseal()
        .args([
            "verify",
            "--keyring",
            common::KEYRING,
            "--format",
            "html",
            "-o",
        ])
        .arg(&page)
        .arg(&tampered));
    assert_eq!(code, 1);
    let out = chromium(&["--dump-dom"], &page, &dir.path().join("profile"));
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("NOT AUTHENTIC") && dom.contains("data-verdict=\"not-authentic\""),
        "{dom}"
    );
    assert!(dom.contains("bag.payload-digest"));
}
