//! The catalog: a SQLite index (statements, parties, signers, full text via
//! FTS5) for finding records. Never the source of truth: it is rebuilt from
//! the objects and the log by `reindex`.

use std::path::Path;

use rusqlite::{Connection, params};
use serde::Serialize;

/// Catalog errors (SQLite).
pub type CatalogError = rusqlite::Error;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS statements (
  bundle TEXT PRIMARY KEY NOT NULL,
  log_index INTEGER NOT NULL,
  statement_id TEXT NOT NULL,
  type TEXT,
  title TEXT,
  date_start TEXT,
  date_end TEXT,
  ingested_at TEXT NOT NULL,
  supersedes TEXT
);
CREATE INDEX IF NOT EXISTS statements_by_id ON statements(statement_id, log_index);
CREATE INDEX IF NOT EXISTS statements_by_date ON statements(date_start);
CREATE TABLE IF NOT EXISTS parties (bundle TEXT NOT NULL, party TEXT NOT NULL, name TEXT);
CREATE INDEX IF NOT EXISTS parties_by_party ON parties(party, bundle);
CREATE INDEX IF NOT EXISTS parties_by_bundle ON parties(bundle);
CREATE TABLE IF NOT EXISTS signers (bundle TEXT NOT NULL, key TEXT NOT NULL, party TEXT NOT NULL, signer TEXT, signed_at TEXT);
CREATE INDEX IF NOT EXISTS signers_by_bundle ON signers(bundle);
CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5(bundle UNINDEXED, statement_id UNINDEXED, body);
";

/// What the catalog holds of one logged bundle.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Record {
    /// Bundle digest.
    pub bundle: String,
    /// Log index.
    pub log_index: u64,
    /// Statement id.
    pub statement_id: String,
    /// Statement type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Date (statement date, else occasion).
    pub date_start: Option<String>,
    /// Last day.
    pub date_end: Option<String>,
    /// Ingest time.
    pub ingested_at: String,
    /// Previous version's bundle.
    pub supersedes: Option<String>,
    /// Party codes.
    pub parties: Vec<String>,
    /// (party, signer, signed_at) of each signature.
    pub signers: Vec<(String, String, String)>,
    /// Full text (not serialized in listings).
    #[serde(skip)]
    pub text: String,
}

/// An open catalog.
pub struct Catalog {
    db: Connection,
}

impl Catalog {
    /// Opens (creating) the catalog file.
    pub fn open(path: &Path) -> Result<Self, CatalogError> {
        let db = Connection::open(path)?;
        db.busy_timeout(std::time::Duration::from_secs(30))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        // The catalog is rebuilt from the log and objects at will: it needs
        // consistency, not the durability of every commit.
        db.pragma_update(None, "synchronous", "NORMAL")?;
        db.execute_batch(SCHEMA)?;
        Ok(Self { db })
    }

    /// Deletes everything (before a rebuild).
    pub fn clear(&self) -> Result<(), CatalogError> {
        self.db.execute_batch(
            "DELETE FROM statements; DELETE FROM parties; DELETE FROM signers; DELETE FROM texts;",
        )
    }

    /// Adds (or replaces) records, in one transaction.
    pub fn insert_all(&mut self, records: &[Record]) -> Result<(), CatalogError> {
        let tx = self.db.transaction()?;
        for r in records {
            Self::insert_in(&tx, r)?;
        }
        tx.commit()
    }

    fn insert_in(tx: &rusqlite::Transaction<'_>, r: &Record) -> Result<(), CatalogError> {
        // Replacing is rare (a re-run after a crash); checking by primary key
        // first keeps inserts from scanning the full-text table.
        let existed = tx
            .prepare_cached("SELECT 1 FROM statements WHERE bundle = ?1")?
            .exists(params![r.bundle])?;
        if existed {
            for table in ["statements", "parties", "signers", "texts"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE bundle = ?1"),
                    params![r.bundle],
                )?;
            }
        }
        tx.execute(
            "INSERT INTO statements (bundle, log_index, statement_id, type, title, date_start, date_end, ingested_at, supersedes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![r.bundle, r.log_index as i64, r.statement_id, r.kind, r.title, r.date_start, r.date_end, r.ingested_at, r.supersedes],
        )?;
        for p in &r.parties {
            tx.execute(
                "INSERT INTO parties (bundle, party) VALUES (?1, ?2)",
                params![r.bundle, p],
            )?;
        }
        for (party, signer, at) in &r.signers {
            tx.execute("INSERT INTO signers (bundle, key, party, signer, signed_at) VALUES (?1, '', ?2, ?3, ?4)", params![r.bundle, party, signer, at])?;
        }
        tx.execute(
            "INSERT INTO texts (bundle, statement_id, body) VALUES (?1, ?2, ?3)",
            params![r.bundle, r.statement_id, r.text],
        )?;
        Ok(())
    }

    fn fill(&self, mut r: Record) -> Result<Record, CatalogError> {
        let mut parties = self
            .db
            .prepare_cached("SELECT party FROM parties WHERE bundle = ?1 ORDER BY rowid")?;
        r.parties = parties
            .query_map(params![r.bundle], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let mut signers = self.db.prepare_cached(
            "SELECT party, signer, signed_at FROM signers WHERE bundle = ?1 ORDER BY rowid",
        )?;
        r.signers = signers
            .query_map(params![r.bundle], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(r)
    }

    fn records(
        &self,
        sql: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Record>, CatalogError> {
        let mut stmt = self.db.prepare(sql)?;
        let rows: Vec<Record> = stmt
            .query_map(args, |row| {
                Ok(Record {
                    bundle: row.get(0)?,
                    log_index: row.get::<_, i64>(1)? as u64,
                    statement_id: row.get(2)?,
                    kind: row.get(3)?,
                    title: row.get(4)?,
                    date_start: row.get(5)?,
                    date_end: row.get(6)?,
                    ingested_at: row.get(7)?,
                    supersedes: row.get(8)?,
                    ..Record::default()
                })
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(|r| self.fill(r)).collect()
    }

    /// Latest version of each statement, filtered.
    pub fn list(
        &self,
        party: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        kind: Option<&str>,
    ) -> Result<Vec<Record>, CatalogError> {
        self.records(
            "SELECT s.bundle, s.log_index, s.statement_id, s.type, s.title, s.date_start, s.date_end, s.ingested_at, s.supersedes
             FROM statements s
             WHERE s.log_index = (SELECT MAX(log_index) FROM statements t WHERE t.statement_id = s.statement_id)
               AND (?1 IS NULL OR EXISTS (SELECT 1 FROM parties p WHERE p.bundle = s.bundle AND p.party = ?1))
               AND (?2 IS NULL OR COALESCE(s.date_end, s.date_start) >= ?2)
               AND (?3 IS NULL OR s.date_start <= ?3)
               AND (?4 IS NULL OR s.type = ?4)
             ORDER BY s.date_start, s.statement_id",
            &[&party, &from, &to, &kind],
        )
    }

    /// Every version of a statement id, or the record of a bundle digest (or a unique prefix).
    pub fn find(&self, id_or_digest: &str) -> Result<Vec<Record>, CatalogError> {
        let by_id = self.records(
            "SELECT bundle, log_index, statement_id, type, title, date_start, date_end, ingested_at, supersedes FROM statements WHERE statement_id = ?1 ORDER BY log_index",
            &[&id_or_digest],
        )?;
        if !by_id.is_empty() {
            return Ok(by_id);
        }
        let hex = id_or_digest.strip_prefix("sha256:").unwrap_or(id_or_digest);
        if hex.len() < 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(Vec::new());
        }
        let pattern = format!("sha256:{}%", hex.to_ascii_lowercase());
        self.records(
            "SELECT bundle, log_index, statement_id, type, title, date_start, date_end, ingested_at, supersedes FROM statements WHERE bundle LIKE ?1 ORDER BY log_index",
            &[&pattern],
        )
    }

    /// Full-text search; each hit with a snippet (`[`…`]` around matches).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<(Record, String)>, CatalogError> {
        // Every word is a quoted phrase: punctuation such as the hyphen in
        // "Trans-Caspian" is then text, not FTS5 query syntax.
        let fts: String = query
            .split_whitespace()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" ");
        if fts.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.db.prepare(
            "SELECT bundle, snippet(texts, 2, '[', ']', '…', 16) FROM texts WHERE texts MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let hits: Vec<(String, String)> = stmt
            .query_map(params![fts, limit as i64], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (bundle, snippet) in hits {
            let found = self.records(
                "SELECT bundle, log_index, statement_id, type, title, date_start, date_end, ingested_at, supersedes FROM statements WHERE bundle = ?1",
                &[&bundle],
            )?;
            if let Some(r) = found.into_iter().next() {
                out.push((r, snippet));
            }
        }
        Ok(out)
    }

    /// Number of records.
    pub fn count(&self) -> Result<u64, CatalogError> {
        self.db
            .query_row("SELECT COUNT(*) FROM statements", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
    }
}
