//! The PostgreSQL catalog, shared by every node of an archive: the SQLite
//! catalog's tables (prefixed `docseal_`, docs/FORMAT.md §7.11), and for
//! full text a `tsvector` per latest statement in the text-search
//! configuration of its language (from its BCP 47 tag), or `simple` plus a
//! `pg_trgm` index where PostgreSQL has none (Chinese, Japanese, Kazakh, …).
//! Orders and comparisons use the `C` collation and SQLite's NULL order, so
//! that `list`, `show` and `search` answer as the SQLite catalog does.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use postgres::types::ToSql;
use postgres::{Client, NoTls, Row};

use super::CatalogError;
use super::sqlite::{CATALOG_VERSION, Indexed, Record, SEARCH_RANKED, SignerRow, TrustRow};
use crate::archive::versions::Version;
use crate::digest::Sha256Digest;
use crate::utc::UtcTime;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS docseal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docseal_statements (
  bundle TEXT PRIMARY KEY,
  log_index BIGINT NOT NULL UNIQUE,
  statement_id TEXT NOT NULL,
  statement TEXT NOT NULL,
  edition BIGINT NOT NULL,
  signed TEXT,
  signatures BIGINT NOT NULL,
  latest BOOLEAN NOT NULL,
  type TEXT,
  title TEXT,
  date_start TEXT,
  date_end TEXT,
  ingested_at TEXT NOT NULL,
  supersedes TEXT,
  trust TEXT,
  language TEXT
);
CREATE INDEX IF NOT EXISTS docseal_statements_by_id ON docseal_statements(statement_id);
CREATE INDEX IF NOT EXISTS docseal_statements_latest ON docseal_statements(latest, date_start);
CREATE TABLE IF NOT EXISTS docseal_parties (pos BIGSERIAL PRIMARY KEY, bundle TEXT NOT NULL, party TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docseal_parties_by_party ON docseal_parties(party, bundle);
CREATE INDEX IF NOT EXISTS docseal_parties_by_bundle ON docseal_parties(bundle);
CREATE TABLE IF NOT EXISTS docseal_signers (pos BIGSERIAL PRIMARY KEY, bundle TEXT NOT NULL, key TEXT NOT NULL, party TEXT NOT NULL, signer TEXT NOT NULL, signed_at TEXT);
CREATE INDEX IF NOT EXISTS docseal_signers_by_bundle ON docseal_signers(bundle);
CREATE INDEX IF NOT EXISTS docseal_signers_by_key ON docseal_signers(key);
CREATE TABLE IF NOT EXISTS docseal_trust_changes (log_index BIGINT PRIMARY KEY, change TEXT NOT NULL, key TEXT, trust TEXT NOT NULL, at TEXT NOT NULL);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE IF NOT EXISTS docseal_texts (
  bundle TEXT PRIMARY KEY,
  statement_id TEXT NOT NULL,
  config regconfig NOT NULL,
  body TEXT NOT NULL,
  tsv tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS docseal_texts_tsv ON docseal_texts USING gin (tsv);
CREATE INDEX IF NOT EXISTS docseal_texts_trgm ON docseal_texts USING gin (body gin_trgm_ops);
";

const TABLES: [&str; 6] = [
    "docseal_meta",
    "docseal_statements",
    "docseal_parties",
    "docseal_signers",
    "docseal_trust_changes",
    "docseal_texts",
];

/// The advisory lock key of the catalog's writers (`docseal-catalog`).
const CATCH_UP_LOCK: i64 = 0x646f_6373_6361_7401;

const COLUMNS: &str = "bundle, log_index, statement_id, statement, edition, signed, signatures, latest, type, title, date_start, date_end, ingested_at, supersedes, trust, language";

/// The text-search configuration PostgreSQL ships for a language, by the
/// primary subtag of its BCP 47 tag; `simple` (with the trigram index)
/// for every other language and for none.
pub fn text_search_config(language: Option<&str>) -> &'static str {
    let primary = language
        .and_then(|tag| tag.split('-').next())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match primary.as_str() {
        "ar" => "arabic",
        "hy" => "armenian",
        "eu" => "basque",
        "ca" => "catalan",
        "da" => "danish",
        "nl" => "dutch",
        "en" => "english",
        "fi" => "finnish",
        "fr" => "french",
        "de" => "german",
        "el" => "greek",
        "hi" => "hindi",
        "hu" => "hungarian",
        "id" => "indonesian",
        "ga" => "irish",
        "it" => "italian",
        "lt" => "lithuanian",
        "ne" => "nepali",
        "no" | "nb" | "nn" => "norwegian",
        "pt" => "portuguese",
        "ro" => "romanian",
        "ru" => "russian",
        "sr" => "serbian",
        "es" => "spanish",
        "sv" => "swedish",
        "ta" => "tamil",
        "tr" => "turkish",
        "yi" => "yiddish",
        _ => "simple",
    }
}

/// A session-level advisory lock, released when dropped.
pub struct AdvisoryLock(Arc<Mutex<Client>>);

impl Drop for AdvisoryLock {
    fn drop(&mut self) {
        let mut client = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&CATCH_UP_LOCK]);
    }
}

/// An open PostgreSQL catalog.
pub struct PgCatalog {
    client: Arc<Mutex<Client>>,
    /// The text-search configurations the server has.
    configs: HashSet<String>,
}

fn record_of(row: &Row) -> Record {
    Record {
        bundle: row.get(0),
        log_index: row.get::<_, i64>(1) as u64,
        statement_id: row.get(2),
        statement: row.get(3),
        edition: row.get::<_, i64>(4) as u32,
        signed: row.get(5),
        signatures: row.get::<_, i64>(6) as u32,
        latest: row.get(7),
        kind: row.get(8),
        title: row.get(9),
        date_start: row.get(10),
        date_end: row.get(11),
        ingested_at: row.get(12),
        supersedes: row.get(13),
        trust: row.get(14),
        language: row.get(15),
        ..Record::default()
    }
}

impl PgCatalog {
    /// Connects and creates the tables (emptied if of another layout
    /// version: the catalog is rebuilt from the log).
    pub fn open(url: &str) -> Result<Self, CatalogError> {
        let mut client = Client::connect(url, NoTls)?;
        let mut tx = client.transaction()?;
        // Of several nodes opening a new catalog at once, one creates it.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CATCH_UP_LOCK])?;
        let exists: Option<String> = tx
            .query_one("SELECT to_regclass('docseal_meta')::text", &[])?
            .get(0);
        let version: Option<String> = if exists.is_some() {
            tx.query_opt("SELECT value FROM docseal_meta WHERE key = 'version'", &[])?
                .map(|r| r.get(0))
        } else {
            None
        };
        if version.as_deref() != Some(CATALOG_VERSION) {
            for table in TABLES {
                tx.batch_execute(&format!("DROP TABLE IF EXISTS {table};"))?;
            }
            tx.batch_execute(SCHEMA)?;
            tx.execute(
                "INSERT INTO docseal_meta (key, value) VALUES ('version', $1)",
                &[&CATALOG_VERSION],
            )?;
        }
        tx.commit()?;
        Self::with(client)
    }

    /// Connects to an existing catalog without changing it.
    pub fn open_read_only(url: &str) -> Result<Self, CatalogError> {
        let mut client = Client::connect(url, NoTls)?;
        let exists: Option<String> = client
            .query_one("SELECT to_regclass('docseal_meta')::text", &[])?
            .get(0);
        if exists.is_none() {
            return Err(CatalogError::Missing(super::redact(url)));
        }
        let version: Option<String> = client
            .query_opt("SELECT value FROM docseal_meta WHERE key = 'version'", &[])?
            .map(|r| r.get(0));
        if version.as_deref() != Some(CATALOG_VERSION) {
            return Err(CatalogError::Version {
                found: version.unwrap_or_else(|| "none".into()),
            });
        }
        Self::with(client)
    }

    fn with(mut client: Client) -> Result<Self, CatalogError> {
        let configs = client
            .query("SELECT cfgname::text FROM pg_ts_config", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok(Self {
            client: Arc::new(Mutex::new(client)),
            configs,
        })
    }

    fn client(&self) -> MutexGuard<'_, Client> {
        self.client.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the catch-up lock (waiting for another node's catch-up).
    pub fn advisory_lock(&self) -> Result<AdvisoryLock, CatalogError> {
        self.client()
            .execute("SELECT pg_advisory_lock($1)", &[&CATCH_UP_LOCK])?;
        Ok(AdvisoryLock(self.client.clone()))
    }

    fn config(&self, language: Option<&str>) -> &'static str {
        let wanted = text_search_config(language);
        if self.configs.contains(wanted) {
            wanted
        } else {
            "simple"
        }
    }

    /// The tree it indexes, if it says.
    pub fn indexed(&self) -> Result<Option<Indexed>, CatalogError> {
        let rows = self.client().query(
            "SELECT key, value FROM docseal_meta WHERE key IN ('origin', 'size', 'root')",
            &[],
        )?;
        let get = |key: &str| {
            rows.iter()
                .find(|r| r.get::<_, String>(0) == key)
                .map(|r| r.get::<_, String>(1))
        };
        Ok(match (get("origin"), get("size"), get("root")) {
            (Some(origin), Some(size), Some(root)) => {
                size.parse().ok().map(|size| Indexed { origin, size, root })
            }
            _ => None,
        })
    }

    /// Deletes every row.
    pub fn clear(&self) -> Result<(), CatalogError> {
        self.client().batch_execute(
            "BEGIN; DELETE FROM docseal_statements; DELETE FROM docseal_parties; DELETE FROM docseal_signers; DELETE FROM docseal_texts; DELETE FROM docseal_trust_changes; DELETE FROM docseal_meta WHERE key <> 'version'; COMMIT;",
        )?;
        Ok(())
    }

    /// Deletes the rows of entries from `from` on.
    pub fn truncate(&self, from: u64) -> Result<(), CatalogError> {
        let from = from as i64;
        let mut client = self.client();
        let mut tx = client.transaction()?;
        for table in ["docseal_parties", "docseal_signers", "docseal_texts"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE bundle IN (SELECT bundle FROM docseal_statements WHERE log_index >= $1)"),
                &[&from],
            )?;
        }
        tx.execute(
            "DELETE FROM docseal_statements WHERE log_index >= $1",
            &[&from],
        )?;
        tx.execute(
            "DELETE FROM docseal_trust_changes WHERE log_index >= $1",
            &[&from],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds records and trust changes and records the tree now indexed, in
    /// one transaction.
    pub fn insert(
        &mut self,
        records: &[Record],
        trust: &[TrustRow],
        indexed: Option<&Indexed>,
    ) -> Result<(), CatalogError> {
        let configs: Vec<&'static str> = records
            .iter()
            .map(|r| self.config(r.language.as_deref()))
            .collect();
        let mut client = self.client();
        let mut tx = client.transaction()?;
        // Of several nodes indexing the same entries at once, the first
        // writes them; the others find them there and add nothing.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CATCH_UP_LOCK])?;
        let indexed_size: Option<i64> = tx
            .query_opt(
                "SELECT value::bigint FROM docseal_meta WHERE key = 'size'",
                &[],
            )?
            .map(|r| r.get(0));
        let first = records
            .iter()
            .map(|r| r.log_index)
            .chain(trust.iter().map(|t| t.log_index))
            .min();
        if let (Some(first), Some(size)) = (first, indexed_size)
            && (first as i64) < size
            && indexed.is_none_or(|i| i.size as i64 <= size)
        {
            return Ok(());
        }
        for (r, config) in records.iter().zip(configs) {
            Self::insert_in(&mut tx, r, config)?;
        }
        for t in trust {
            tx.execute(
                "INSERT INTO docseal_trust_changes (log_index, change, key, trust, at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (log_index) DO UPDATE SET change = $2, key = $3, trust = $4, at = $5",
                &[&(t.log_index as i64), &t.change, &t.key, &t.trust, &t.at],
            )?;
        }
        if let Some(indexed) = indexed {
            for (key, value) in [
                ("origin", indexed.origin.clone()),
                ("size", indexed.size.to_string()),
                ("root", indexed.root.clone()),
            ] {
                tx.execute(
                    "INSERT INTO docseal_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
                    &[&key, &value],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// One record's rows: the statement (taking the latest place from the
    /// version before it), its parties and signers, and its full text.
    fn insert_in(
        tx: &mut ::postgres::Transaction<'_>,
        r: &Record,
        config: &str,
    ) -> Result<(), CatalogError> {
        if r.latest {
            let previous = tx.query(
                "SELECT bundle FROM docseal_statements WHERE statement_id = $1 AND latest",
                &[&r.statement_id],
            )?;
            for row in previous {
                let bundle: String = row.get(0);
                tx.execute(
                    "UPDATE docseal_statements SET latest = false WHERE bundle = $1",
                    &[&bundle],
                )?;
                tx.execute("DELETE FROM docseal_texts WHERE bundle = $1", &[&bundle])?;
            }
        }
        tx.execute(
        &format!("INSERT INTO docseal_statements ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"),
        &[
            &r.bundle,
            &(r.log_index as i64),
            &r.statement_id,
            &r.statement,
            &i64::from(r.edition),
            &r.signed,
            &i64::from(r.signatures),
            &r.latest,
            &r.kind,
            &r.title,
            &r.date_start,
            &r.date_end,
            &r.ingested_at,
            &r.supersedes,
            &r.trust,
            &r.language,
        ],
    )?;
        for p in &r.parties {
            tx.execute(
                "INSERT INTO docseal_parties (bundle, party) VALUES ($1, $2)",
                &[&r.bundle, p],
            )?;
        }
        for s in &r.signers {
            tx.execute(
            "INSERT INTO docseal_signers (bundle, key, party, signer, signed_at) VALUES ($1, $2, $3, $4, $5)",
            &[&r.bundle, &s.key, &s.party, &s.signer, &s.signed_at],
        )?;
        }
        if r.latest {
            tx.execute(
            "INSERT INTO docseal_texts (bundle, statement_id, config, body, tsv) VALUES ($1, $2, $3::text::regconfig, $4, to_tsvector($3::text::regconfig, $4))",
            &[&r.bundle, &r.statement_id, &config, &r.text],
        )?;
        }
        Ok(())
    }

    fn records(
        &self,
        condition: &str,
        args: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Record>, CatalogError> {
        let mut client = self.client();
        let rows = client.query(
            &format!("SELECT {COLUMNS} FROM docseal_statements s {condition}"),
            args,
        )?;
        let mut out: Vec<Record> = rows.iter().map(record_of).collect();
        for r in &mut out {
            r.parties = client
                .query(
                    "SELECT party FROM docseal_parties WHERE bundle = $1 ORDER BY pos",
                    &[&r.bundle],
                )?
                .iter()
                .map(|row| row.get(0))
                .collect();
            r.signers = client
                .query(
                    "SELECT key, party, signer, signed_at FROM docseal_signers WHERE bundle = $1 ORDER BY pos",
                    &[&r.bundle],
                )?
                .iter()
                .map(|row| SignerRow {
                    key: row.get(0),
                    party: row.get(1),
                    signer: row.get(2),
                    signed_at: row.get(3),
                })
                .collect();
        }
        Ok(out)
    }

    /// The latest version of each statement, filtered.
    pub fn list(
        &self,
        party: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        kind: Option<&str>,
    ) -> Result<Vec<Record>, CatalogError> {
        self.records(
            r#"WHERE s.latest
               AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM docseal_parties p WHERE p.bundle = s.bundle AND p.party = $1))
               AND ($2::text IS NULL OR COALESCE(s.date_end, s.date_start) COLLATE "C" >= $2)
               AND ($3::text IS NULL OR s.date_start COLLATE "C" <= $3)
               AND ($4::text IS NULL OR s.type = $4)
             ORDER BY s.date_start COLLATE "C" NULLS FIRST, s.statement_id COLLATE "C""#,
            &[&party, &from, &to, &kind],
        )
    }

    /// Every record (every version) a key signed.
    pub fn signed_by(&self, key: &str) -> Result<Vec<Record>, CatalogError> {
        self.records(
            r#"WHERE EXISTS (SELECT 1 FROM docseal_signers g WHERE g.bundle = s.bundle AND g.key = $1)
             ORDER BY s.date_start COLLATE "C" NULLS FIRST, s.statement_id COLLATE "C", s.log_index"#,
            &[&key],
        )
    }

    /// The signing keys whose id starts with `prefix`.
    pub fn keys_like(&self, prefix: &str) -> Result<Vec<String>, CatalogError> {
        let pattern = format!("{}%", prefix.replace(['%', '_', '\\'], ""));
        Ok(self
            .client()
            .query(
                r#"SELECT DISTINCT key COLLATE "C" FROM docseal_signers WHERE key LIKE $1 ORDER BY 1"#,
                &[&pattern],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    /// Every version of a statement id (by rank, latest last), or the record
    /// of a bundle digest (or a unique prefix of its hex).
    pub fn find(&self, id_or_digest: &str) -> Result<Vec<Record>, CatalogError> {
        let mut by_id = self.records("WHERE s.statement_id = $1", &[&id_or_digest])?;
        if !by_id.is_empty() {
            by_id.sort_by_key(|r| (r.edition, r.signed.clone(), r.signatures, r.log_index));
            return Ok(by_id);
        }
        let hex = id_or_digest.strip_prefix("sha256:").unwrap_or(id_or_digest);
        if hex.len() < 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(Vec::new());
        }
        let pattern = format!("sha256:{}%", hex.to_ascii_lowercase());
        self.records("WHERE s.bundle LIKE $1 ORDER BY s.log_index", &[&pattern])
    }

    /// The versions of a statement id.
    pub fn versions(&self, id: &str) -> Result<Vec<Version>, CatalogError> {
        let rows = self.client().query(
            "SELECT bundle, log_index, statement, edition, signed, signatures FROM docseal_statements WHERE statement_id = $1",
            &[&id],
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                Some(Version {
                    bundle: row.get::<_, String>(0).parse::<Sha256Digest>().ok()?,
                    index: row.get::<_, i64>(1) as u64,
                    statement: row.get::<_, String>(2).parse::<Sha256Digest>().ok()?,
                    edition: row.get::<_, i64>(3) as u32,
                    signed: row
                        .get::<_, Option<String>>(4)
                        .and_then(|s| UtcTime::parse_strict(&s).ok()),
                    signatures: row.get::<_, i64>(5) as usize,
                })
            })
            .collect())
    }

    /// The log index of a bundle.
    pub fn index_of(&self, bundle: &Sha256Digest) -> Result<Option<u64>, CatalogError> {
        Ok(self
            .client()
            .query_opt(
                "SELECT log_index FROM docseal_statements WHERE bundle = $1",
                &[&bundle.to_string()],
            )?
            .map(|r| r.get::<_, i64>(0) as u64))
    }

    /// The latest trust change.
    pub fn current_trust(&self) -> Result<Option<(u64, String)>, CatalogError> {
        Ok(self
            .client()
            .query_opt(
                "SELECT log_index, trust FROM docseal_trust_changes ORDER BY log_index DESC LIMIT 1",
                &[],
            )?
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1))))
    }

    /// Full-text search over the latest versions: every word must match,
    /// as a phrase of the row's configuration (stemmed where it stems) or,
    /// for `simple` rows and words that are only stop words, as a
    /// case-insensitive substring (the trigram index).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<(Record, String)>, CatalogError> {
        let words: Vec<String> = query.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let likes: Vec<String> = words
            .iter()
            .map(|w| {
                let escaped = w
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("%{escaped}%")
            })
            .collect();
        let mut conditions = Vec::new();
        let mut queries = Vec::new();
        let mut args: Vec<&(dyn ToSql + Sync)> = Vec::new();
        for (i, (word, like)) in words.iter().zip(&likes).enumerate() {
            let (w, l) = (2 * i + 1, 2 * i + 2);
            conditions.push(format!(
                "(t.tsv @@ phraseto_tsquery(t.config, ${w}) OR ((t.config = 'simple'::regconfig OR numnode(phraseto_tsquery(t.config, ${w})) = 0) AND t.body ILIKE ${l}))"
            ));
            queries.push(format!("phraseto_tsquery(t.config, ${w})"));
            args.push(word);
            args.push(like);
        }
        // As the SQLite catalog: only the newest matches (by log index) are
        // ranked, so that a word every record holds costs the same at any size.
        let ranked = SEARCH_RANKED.max(limit) as i64;
        let limit = limit as i64;
        args.push(&ranked);
        let ranked_at = args.len();
        args.push(&limit);
        let q = queries.join(" && ");
        // The snippet (`ts_headline`, costly on a whole statement) is made
        // for the hits only, after the ranking and the limit.
        let q_hit = q.replace("t.config", "h.config");
        let sql = format!(
            r#"WITH t AS (SELECT t.bundle, t.config, t.body, t.tsv FROM docseal_texts t
                          JOIN docseal_statements s ON s.bundle = t.bundle
                          WHERE {} ORDER BY s.log_index DESC LIMIT ${ranked_at}),
               h AS (SELECT t.bundle, t.config, t.body, ts_rank(t.tsv, {q}) AS rank
                     FROM t ORDER BY rank DESC, t.bundle COLLATE "C" LIMIT ${})
               SELECT h.bundle, ts_headline(h.config, h.body, {q_hit}, 'StartSel="[", StopSel="]", MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter="…"')
               FROM h ORDER BY h.rank DESC, h.bundle COLLATE "C""#,
            conditions.join(" AND "),
            args.len()
        );
        let hits: Vec<(String, String)> = self
            .client()
            .query(&sql, &args)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut out = Vec::new();
        for (bundle, snippet) in hits {
            if let Some(r) = self.records("WHERE s.bundle = $1", &[&bundle])?.pop() {
                out.push((r, snippet));
            }
        }
        Ok(out)
    }

    /// Number of records.
    pub fn count(&self) -> Result<u64, CatalogError> {
        Ok(self
            .client()
            .query_one("SELECT COUNT(*) FROM docseal_statements", &[])?
            .get::<_, i64>(0) as u64)
    }

    /// Every record with its full text, and every trust change.
    pub fn dump(&self) -> Result<(Vec<Record>, Vec<TrustRow>), CatalogError> {
        let mut records = self.records("ORDER BY s.log_index", &[])?;
        let mut client = self.client();
        let bodies: std::collections::HashMap<String, String> = client
            .query("SELECT bundle, body FROM docseal_texts", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        for r in &mut records {
            r.text = bodies.get(&r.bundle).cloned().unwrap_or_default();
        }
        let trust = client
            .query(
                "SELECT log_index, change, key, trust, at FROM docseal_trust_changes ORDER BY log_index",
                &[],
            )?
            .iter()
            .map(|row| TrustRow {
                log_index: row.get::<_, i64>(0) as u64,
                change: row.get(1),
                key: row.get(2),
                trust: row.get(3),
                at: row.get(4),
            })
            .collect();
        Ok((records, trust))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_map_to_their_configurations() {
        assert_eq!(text_search_config(Some("en")), "english");
        assert_eq!(text_search_config(Some("sr-Latn")), "serbian");
        assert_eq!(text_search_config(Some("RU")), "russian");
        assert_eq!(text_search_config(Some("fr-CA")), "french");
        assert_eq!(text_search_config(Some("zh-Hans")), "simple");
        assert_eq!(text_search_config(Some("kk")), "simple");
        assert_eq!(text_search_config(None), "simple");
    }
}
