//! `docseal archive list`, `search`, `show` and `get`: reading the catalog
//! and the stored bundles.

use std::path::PathBuf;

use docseal::archive::ArchiveError;
use docseal::archive::catalog::{Catalog, CatalogError, Record};
use docseal::archive::storage::Item;

use super::{ArchiveArg, write_error};
use crate::cli::output::{write_json, write_stdout};
use crate::cli::settings::Settings;
use crate::cli::{CliError, OutputFormat, Status};

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only statements with this party.
    #[arg(long, value_parser = party_code)]
    party: Option<String>,
    /// Only statements dated on or after (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = calendar_date)]
    from: Option<String>,
    /// Only statements dated on or before (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = calendar_date)]
    to: Option<String>,
    /// Only statements of this type.
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Every record (every version) this key signed, instead (its id or a unique prefix).
    #[arg(long, value_name = "KEY", conflicts_with_all = ["party", "from", "to", "kind"])]
    signed_by: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words to find (each matched as written, e.g. "Trans-Caspian").
    #[arg(value_parser = search_words)]
    query: String,
    /// Most hits shown.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    limit: u32,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct IdArgs {
    /// Statement id, or bundle digest (or a unique prefix of its hex).
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct GetArgs {
    /// Statement id (latest version), or bundle digest.
    id: String,
    /// Where to write the bundle.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    archive: ArchiveArg,
}

/// `--from`/`--to`: a date of the calendar, written YYYY-MM-DD.
fn calendar_date(text: &str) -> Result<String, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &format)
        .map(|_| text.to_string())
        .map_err(|_| format!("{text:?} is not a date of the calendar written YYYY-MM-DD"))
}

/// `--party`: a party code (upper-cased, as the keyring and statements write it).
fn party_code(text: &str) -> Result<String, String> {
    text.parse::<docseal::party::PartyCode>()
        .map(|p| p.to_string())
        .map_err(|e| e.to_string())
}

/// A search needs at least one word.
fn search_words(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("give at least one word to search for".into());
    }
    Ok(text.to_string())
}

pub(super) fn list(args: ListArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let catalog = archive.catalog()?;
    let records = match &args.signed_by {
        Some(key) => signed_by(&catalog, key)?,
        None => catalog
            .list(
                args.party.as_deref(),
                args.from.as_deref(),
                args.to.as_deref(),
                args.kind.as_deref(),
            )
            .map_err(catalog_error)?,
    };
    match args.format {
        OutputFormat::Json => {
            write_json(&serde_json::json!({"version": 2, "statements": records}))?
        }
        OutputFormat::Human => {
            let text: String = records
                .iter()
                .map(|r| list_line(r, args.signed_by.is_some()))
                .collect();
            write_stdout(text.as_bytes())?;
            note!(
                "{} statement{}",
                records.len(),
                if records.len() == 1 { "" } else { "s" }
            );
        }
    }
    Ok(Status::Ok)
}

/// `--signed-by KEY`: the records of the one key its id or hex prefix names.
fn signed_by(catalog: &Catalog, key: &str) -> Result<Vec<Record>, CliError> {
    let hex = key
        .strip_prefix("sha256:")
        .unwrap_or(key)
        .to_ascii_lowercase();
    let keys = catalog
        .keys_like(&format!("sha256:{hex}"))
        .map_err(catalog_error)?;
    match keys.as_slice() {
        [one] => catalog.signed_by(one).map_err(catalog_error),
        [] => Err(ArchiveError::NotFound(key.to_string()).into()),
        _ => Err(ArchiveError::Ambiguous(key.to_string()).into()),
    }
}

fn catalog_error(e: CatalogError) -> CliError {
    ArchiveError::from(e).into()
}

/// One record of `archive list`; with `--signed-by` (every version) its log
/// entry and whether it is the latest too.
fn list_line(r: &Record, versions: bool) -> String {
    format!(
        "{}  {:<28}{} {:<14} {}  {}\n",
        r.date_start.as_deref().unwrap_or("????-??-??"),
        r.statement_id,
        if versions {
            format!(
                " entry {:<6}{}",
                r.log_index,
                if r.latest { " latest" } else { "       " }
            )
        } else {
            String::new()
        },
        r.parties.join(","),
        r.kind.as_deref().unwrap_or("-"),
        r.title.as_deref().unwrap_or("")
    )
}

pub(super) fn search(args: SearchArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let hits = archive
        .catalog()?
        .search(&args.query, args.limit as usize)
        .map_err(catalog_error)?;
    match args.format {
        OutputFormat::Json => {
            let hits: Vec<serde_json::Value> = hits
                .iter()
                .map(|(r, s)| serde_json::json!({"statement": r, "snippet": s}))
                .collect();
            write_json(&serde_json::json!({"version": 2, "query": args.query, "hits": hits}))?;
        }
        OutputFormat::Human => {
            let text: String = hits
                .iter()
                .map(|(r, s)| {
                    format!(
                        "{} ({})\n  {s}\n",
                        r.statement_id,
                        r.date_start.as_deref().unwrap_or("undated")
                    )
                })
                .collect();
            write_stdout(text.as_bytes())?;
            note!(
                "{} hit{}",
                hits.len(),
                if hits.len() == 1 { "" } else { "s" }
            );
        }
    }
    Ok(if hits.is_empty() {
        Status::Failed
    } else {
        Status::Ok
    })
}

pub(super) fn show(args: IdArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let records = archive.catalog()?.find(&args.id).map_err(catalog_error)?;
    if records.is_empty() {
        return Err(ArchiveError::NotFound(args.id).into());
    }
    match args.format {
        OutputFormat::Json => write_json(&serde_json::json!({"version": 2, "versions": records}))?,
        OutputFormat::Human => {
            let mut text = format!(
                "{} — {} version{}\n",
                records[0].statement_id,
                records.len(),
                if records.len() == 1 { "" } else { "s" }
            );
            for r in &records {
                text.push_str(&format!(
                    "  log entry {}  {}  ingested {}{}\n",
                    r.log_index,
                    r.bundle,
                    r.ingested_at,
                    if r.latest { "  (latest)" } else { "" }
                ));
                if let Some(old) = &r.supersedes {
                    text.push_str(&format!("    supersedes {old}\n"));
                }
                for s in &r.signers {
                    text.push_str(&format!(
                        "    signed by {} — {} ({}) at {}\n",
                        s.party,
                        if s.signer.is_empty() { "?" } else { &s.signer },
                        &s.key[7..23.min(s.key.len())],
                        s.signed_at.as_deref().unwrap_or("?")
                    ));
                }
            }
            write_stdout(text.as_bytes())?;
        }
    }
    Ok(Status::Ok)
}

pub(super) fn get(args: GetArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let entry = archive.resolve(&args.id)?;
    let Some(bundle) = entry.bundle() else {
        return Err(ArchiveError::NotFound(args.id).into());
    };
    let source = archive
        .storage()
        .local(&bundle)
        .map_err(ArchiveError::from)?
        .ok_or_else(|| ArchiveError::Damaged {
            item: archive.storage().locate(&Item::Bundle(bundle)),
            reason: "the logged bundle is missing".into(),
        })?;
    docseal::fsutil::write_atomic_with(&args.output, !args.force, |f| {
        std::fs::File::open(source.path())
            .and_then(|mut s| std::io::copy(&mut s, f))
            .map(|_| ())
    })
    .map_err(|e| write_error(&args.output, e))?;
    note!(
        "wrote {} ({bundle}, log entry {})",
        args.output.display(),
        entry.index()
    );
    Ok(Status::Ok)
}
