//! `docseal inspect` and `docseal extract`.

use std::path::PathBuf;

use docseal::bundle::open;

use super::output::{write_json, write_stdout};
use super::{CliError, OutputFormat, Status};

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The bundle.
    bundle: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The bundle.
    bundle: PathBuf,
    /// Folder to extract into (the bag's root folder is created inside it).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
}

pub fn inspect(args: InspectArgs) -> Result<Status, CliError> {
    let summary = open::inspect(&args.bundle)?;
    match args.format {
        OutputFormat::Json => write_json(&summary)?,
        OutputFormat::Human => write_stdout(human(&summary).as_bytes())?,
    }
    Ok(Status::Ok)
}

fn human(s: &open::Summary) -> String {
    let text_of = |v: &serde_json::Value| v.as_str().unwrap_or("?").to_string();
    let mut t = format!("{} (not verified; run `docseal verify`)\n", s.bundle);
    t.push_str(&format!(
        "  statement: {} ({})\n",
        text_of(&s.id),
        text_of(&s.kind)
    ));
    if let Some(title) = s.title.as_str() {
        t.push_str(&format!("  title:     {title}\n"));
    }
    if let Some(d) = s.date["start"].as_str() {
        t.push_str(&format!("  date:      {d}\n"));
    }
    for p in s.parties.iter().flatten() {
        t.push_str(&format!(
            "  party:     {} {} ({})\n",
            text_of(&p.id),
            text_of(&p.name),
            text_of(&p.role)
        ));
    }
    for sig in &s.signatures {
        t.push_str(&format!(
            "  signed:    {} by {} at {} (claimed)\n",
            sig.party, sig.signer, sig.signed_at
        ));
    }
    t.push_str(&format!(
        "  size:      {} files, {} payload bytes\n",
        s.files, s.payload_bytes
    ));
    t
}

pub fn extract(args: ExtractArgs) -> Result<Status, CliError> {
    let extracted = open::extract(&args.bundle, &args.output)?;
    note!(
        "extracted {} files into {}",
        extracted.files,
        extracted.root.display()
    );
    Ok(Status::Ok)
}
