//! Time-stamp tokens on signatures (docs/FORMAT.md §6): getting one from a
//! TSA for a fresh signature, checking a reply before it is stored, and the
//! `timestamp` workflow that adds tokens to a sealed bundle — online, or
//! offline with request files and replies carried by hand.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::timestamp::{
    self, FetchError, Nonce, QueryError, TokenCheck, TokenError, TsaAnchor, VerifiedToken,
};

/// How long a TSA may take to answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Name of the anchor a token is checked against when its TSA is not in the
/// keyring: its own certificate, pinned for this check only.
pub const UNTRUSTED_ANCHOR: &str = "the TSA's own certificate (not in the keyring)";

/// A reply checked by every rule.
#[derive(Debug, Clone)]
pub struct CheckedReply {
    /// The DER `TimeStampResp`, as stored in `signatures/<keyhex>.tsr`.
    pub reply: Vec<u8>,
    /// What it proves.
    pub token: VerifiedToken,
    /// Whether it chains to an anchor of the keyring: if not, it is kept
    /// (it is genuine) but proves nothing until its TSA is trusted.
    pub trusted: bool,
}

/// Why no token was obtained.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StampError {
    /// The request could not be made.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The TSA could not be reached or answered wrongly.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The reply is not a valid token for this signature.
    #[error("the reply from {source_name} is refused: {error}")]
    Refused {
        /// The TSA's URL or the reply file.
        source_name: String,
        /// The rule it fails.
        error: TokenError,
    },
}

/// Checks a reply for `stamped` (the 64 signature bytes) by every rule. A
/// TSA the anchors do not vouch for is checked against its own certificate
/// instead, so that everything but the chain still holds, and the result
/// says it is not trusted.
pub fn check_reply(
    reply: &[u8],
    stamped: &[u8],
    anchors: &[TsaAnchor],
    nonce: Option<&Nonce>,
) -> Result<CheckedReply, TokenError> {
    match timestamp::verify(reply, stamped, anchors, nonce) {
        Ok(token) => Ok(CheckedReply {
            reply: reply.to_vec(),
            token,
            trusted: true,
        }),
        Err(e) if e.check == TokenCheck::Chain => {
            let own = TsaAnchor {
                name: UNTRUSTED_ANCHOR.into(),
                certificate_der: timestamp::signing_certificate(reply)?,
                valid_from: None,
                valid_until: None,
            };
            let token = timestamp::verify(reply, stamped, std::slice::from_ref(&own), nonce)?;
            Ok(CheckedReply {
                reply: reply.to_vec(),
                token,
                trusted: false,
            })
        }
        Err(e) => Err(e),
    }
}

/// What a new token says, for the person who asked for it.
#[derive(Debug, Clone)]
pub struct TokenNote {
    /// The TSA's URL.
    pub url: String,
    /// The token's genTime.
    pub gen_time: crate::utc::UtcTime,
    /// Whether the keyring trusts the TSA (if not, the token is kept but
    /// proves nothing until `key trust-tsa`).
    pub trusted: bool,
    /// The TSA's certificate subject.
    pub tsa: String,
}

/// Asks `tsa` for a token over each signature a writer makes, and notes
/// what it got (for [`crate::bundle::writer::Signer::stamp`]).
pub struct Stamping<'a> {
    tsa: Tsa<'a>,
    got: std::cell::RefCell<Option<TokenNote>>,
}

impl<'a> Stamping<'a> {
    /// Stamping with this TSA.
    pub fn new(tsa: Tsa<'a>) -> Self {
        Self {
            tsa,
            got: std::cell::RefCell::new(None),
        }
    }

    /// Gets the token for `stamped` (the function a writer calls).
    pub fn stamp(&self, stamped: &[u8]) -> Result<Vec<u8>, StampError> {
        let checked = self.tsa.stamp(stamped)?;
        *self.got.borrow_mut() = Some(TokenNote {
            url: self.tsa.url.to_string(),
            gen_time: crate::utc::UtcTime::from_datetime(checked.token.gen_time),
            trusted: checked.trusted,
            tsa: checked.token.tsa_subject.clone(),
        });
        Ok(checked.reply)
    }

    /// What the last token said.
    pub fn note(&self) -> Option<TokenNote> {
        self.got.borrow().clone()
    }
}

/// A TSA to ask.
#[derive(Debug, Clone)]
pub struct Tsa<'a> {
    /// Its URL (`http://` or `https://`).
    pub url: &'a str,
    /// How long it may take.
    pub timeout: Duration,
    /// The keyring's TSA anchors.
    pub anchors: &'a [TsaAnchor],
}

impl Tsa<'_> {
    /// Requests a token over `stamped` (random nonce, `certReq`), and checks
    /// the reply (status, nonce, imprint, signature, …) before returning it.
    pub fn stamp(&self, stamped: &[u8]) -> Result<CheckedReply, StampError> {
        let query = timestamp::query(stamped)?;
        let reply = timestamp::fetch(self.url, &query.der, self.timeout)?;
        check_reply(&reply, stamped, self.anchors, Some(&query.nonce)).map_err(|error| {
            StampError::Refused {
                source_name: self.url.to_string(),
                error,
            }
        })
    }
}

/// The token file names of a signature: `<keyhex>.tsr`, then
/// `<keyhex>.2.tsr`, `<keyhex>.3.tsr`, … for further tokens.
pub fn token_file(keyhex: &str, n: usize) -> String {
    if n <= 1 {
        format!("{keyhex}.tsr")
    } else {
        format!("{keyhex}.{n}.tsr")
    }
}

/// The position of a token file name (`1` for `.tsr`, `n` for `.n.tsr`,
/// n ≥ 2 written without leading zeros), with its key hex.
pub fn parse_token_file(name: &str) -> Option<(&str, usize)> {
    let stem = name.strip_suffix(".tsr")?;
    match stem.split_once('.') {
        None => Some((stem, 1)),
        Some((keyhex, n)) => {
            let ok = !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit());
            let n: usize = if ok { n.parse().ok()? } else { return None };
            (n >= 2).then_some((keyhex, n))
        }
    }
}

/// A request written for a TSA reached another way (`timestamp --request-out`).
#[derive(Debug, Clone)]
pub struct RequestFile {
    /// The signature's key id hex.
    pub keyhex: String,
    /// Where it was written.
    pub path: PathBuf,
}

/// Writes `<keyhex>.tsq` into `dir` for each signature given, never over a file.
pub fn write_requests(
    dir: &Path,
    signatures: &[(String, Vec<u8>)],
) -> Result<Vec<RequestFile>, RequestError> {
    std::fs::create_dir_all(dir).map_err(|source| RequestError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for (keyhex, signature) in signatures {
        let query = timestamp::query(signature).map_err(RequestError::Query)?;
        let path = dir.join(format!("{keyhex}.tsq"));
        crate::fsutil::write_atomic_with(&path, true, |f| {
            use std::io::Write as _;
            f.write_all(&query.der)
        })
        .map_err(|source| RequestError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(RequestFile {
            keyhex: keyhex.clone(),
            path,
        });
    }
    Ok(written)
}

/// Writing request files failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// A file could not be written (or exists).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The request could not be made.
    #[error(transparent)]
    Query(QueryError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_file_names_round_trip_and_refuse_other_forms() {
        let hex = "ab".repeat(32);
        assert_eq!(
            parse_token_file(&token_file(&hex, 1)),
            Some((hex.as_str(), 1))
        );
        assert_eq!(
            parse_token_file(&token_file(&hex, 2)),
            Some((hex.as_str(), 2))
        );
        assert_eq!(
            parse_token_file(&token_file(&hex, 12)),
            Some((hex.as_str(), 12))
        );
        for bad in [
            "x.1.tsr", "x.01.tsr", "x..tsr", "x.2a.tsr", "x.tsq", "x.0.tsr",
        ] {
            assert_eq!(parse_token_file(bad), None, "{bad}");
        }
    }
}

/// What `timestamp` does to a bundle.
#[derive(Debug, Clone)]
pub enum TimestampMode<'a> {
    /// Ask a TSA for a token over each signature that has none — or, with
    /// `also`, over every signature that has no token from this TSA yet.
    Online {
        /// The TSA.
        tsa: Tsa<'a>,
        /// Add a further token where there is one already.
        also: bool,
    },
    /// Write `<keyhex>.tsq` requests for the signatures without a token, to
    /// carry to a TSA reached another way.
    Requests {
        /// Where to write them.
        dir: &'a Path,
    },
    /// Attach a reply obtained elsewhere, to the signature it stamps.
    Reply {
        /// The `.tsr` file.
        file: &'a Path,
    },
}

/// A `timestamp` request.
#[derive(Debug, Clone)]
pub struct TimestampRequest<'a> {
    /// The bundle.
    pub bundle: &'a Path,
    /// What to do.
    pub mode: TimestampMode<'a>,
    /// A new file, or (`None`) the bundle replaced atomically.
    pub output: Option<&'a Path>,
    /// The keyring's TSA anchors (tokens of other TSAs are kept, and reported).
    pub anchors: &'a [TsaAnchor],
    /// The zip timestamp of the new entries.
    pub time: crate::utc::UtcTime,
}

/// What `timestamp` did.
#[derive(Debug, Clone)]
pub enum TimestampOutcome {
    /// Tokens added (key hex, token file, what it says).
    Added {
        /// Where the bundle was written.
        path: PathBuf,
        /// Each new token.
        tokens: Vec<(String, String, TokenNote)>,
    },
    /// Request files written.
    Requests(Vec<RequestFile>),
    /// Every signature has what was asked for already.
    Nothing,
}

/// Why `timestamp` changed nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The bundle cannot be read.
    #[error(transparent)]
    Open(#[from] crate::verify::VerifyError),
    /// The bundle is altered or broken: nothing is added to it.
    #[error("{path} does not verify; refusing to add to it")]
    Broken {
        /// The bundle.
        path: PathBuf,
        /// The verification.
        report: Box<crate::verify::VerifyReport>,
    },
    /// A token could not be obtained.
    #[error(transparent)]
    Stamp(#[from] StampError),
    /// A reply file cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A reply stamps none of the bundle's signatures.
    #[error("{path} is a token for none of the signatures of {bundle}")]
    NoSuchSignature {
        /// The reply.
        path: PathBuf,
        /// The bundle.
        bundle: PathBuf,
    },
    /// Writing failed; the bundle is unchanged.
    #[error(transparent)]
    Write(#[from] super::writer::WriteError),
    /// Request files could not be written.
    #[error(transparent)]
    Requests(#[from] RequestError),
}

/// One signature of the bundle, as `timestamp` sees it.
struct Stampable {
    keyhex: String,
    signature: Vec<u8>,
    /// How many token files it has, and the TSA subjects of those that parse.
    tokens: usize,
    subjects: Vec<String>,
}

/// Adds time-stamp tokens to a bundle, without changing anything signed.
pub fn timestamp(request: TimestampRequest<'_>) -> Result<TimestampOutcome, TimestampError> {
    let signatures = stampable(request.bundle)?;
    let new: Vec<(String, String, CheckedReply, Option<String>)> = match &request.mode {
        TimestampMode::Requests { dir } => {
            let wanted: Vec<(String, Vec<u8>)> = signatures
                .iter()
                .filter(|s| s.tokens == 0)
                .map(|s| (s.keyhex.clone(), s.signature.clone()))
                .collect();
            return Ok(if wanted.is_empty() {
                TimestampOutcome::Nothing
            } else {
                TimestampOutcome::Requests(write_requests(dir, &wanted)?)
            });
        }
        TimestampMode::Online { tsa, also } => online(&signatures, tsa, *also)?,
        TimestampMode::Reply { file } => {
            vec![reply(&signatures, file, request.anchors, request.bundle)?]
        }
    };
    if new.is_empty() {
        return Ok(TimestampOutcome::Nothing);
    }
    let files = new
        .iter()
        .map(|(_, name, checked, _)| {
            (
                format!("{}{name}", super::layout::SIGNATURES_DIR),
                checked.reply.clone(),
            )
        })
        .collect();
    let output = match request.output {
        Some(out) => super::writer::CosignOutput::NewFile(out),
        None => super::writer::CosignOutput::InPlace,
    };
    super::writer::add_signature_files(request.bundle, files, request.time, output)?;
    let tokens = new
        .into_iter()
        .map(|(keyhex, name, checked, url)| {
            let note = TokenNote {
                url: url.unwrap_or_default(),
                gen_time: crate::utc::UtcTime::from_datetime(checked.token.gen_time),
                trusted: checked.trusted,
                tsa: checked.token.tsa_subject,
            };
            (keyhex, name, note)
        })
        .collect();
    Ok(TimestampOutcome::Added {
        path: request.output.unwrap_or(request.bundle).to_path_buf(),
        tokens,
    })
}

/// The bundle's signatures, after checking that it is intact.
fn stampable(bundle: &Path) -> Result<Vec<Stampable>, TimestampError> {
    use crate::verify::{self, Policy, PolicyChoice, PolicyOrigin, VerifyOptions};
    let trust = crate::keyring::TrustSet::none(Vec::new());
    let policy = PolicyChoice {
        policy: Policy::AllowPartial,
        origin: PolicyOrigin::Default,
    };
    let report = verify::verify_path(
        bundle,
        &VerifyOptions {
            trust: &trust,
            policy: &policy,
            evidence: None,
            progress: &verify::no_progress,
        },
    )?;
    if !report.is_intact() {
        return Err(TimestampError::Broken {
            path: bundle.to_path_buf(),
            report: Box::new(report),
        });
    }
    let source =
        super::source::BagSource::open(bundle, super::source::Limits::default()).map_err(|e| {
            TimestampError::Read {
                path: bundle.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            }
        })?;
    let mut found = Vec::new();
    for signer in &report.signers {
        let keyhex = signer.key.hex();
        let sig_path = format!("{}{keyhex}.sig", super::layout::SIGNATURES_DIR);
        let text = source
            .read_small(&sig_path, 1024)
            .map_err(|source| TimestampError::Read {
                path: bundle.to_path_buf(),
                source,
            })?;
        use base64::Engine as _;
        let signature = base64::engine::general_purpose::STANDARD
            .decode(text.strip_suffix(b"\n").unwrap_or(&text))
            .unwrap_or_default();
        let (mut tokens, mut subjects) = (0, Vec::new());
        for e in source.entries() {
            let Some(name) = e.path.strip_prefix(super::layout::SIGNATURES_DIR) else {
                continue;
            };
            if parse_token_file(name).is_some_and(|(hex, _)| hex == keyhex) {
                tokens += 1;
                if let Ok(summary) = source
                    .read_small(&e.path, crate::timestamp::MAX_DER_BYTES as u64)
                    .map_err(|e| e.to_string())
                    .and_then(|b| timestamp::inspect(&b).map_err(|e| e.to_string()))
                {
                    subjects.push(summary.signer_subject.unwrap_or_default());
                }
            }
        }
        found.push(Stampable {
            keyhex,
            signature,
            tokens,
            subjects,
        });
    }
    Ok(found)
}

type NewToken = (String, String, CheckedReply, Option<String>);

fn online(
    signatures: &[Stampable],
    tsa: &Tsa<'_>,
    also: bool,
) -> Result<Vec<NewToken>, StampError> {
    let mut new = Vec::new();
    for s in signatures.iter().filter(|s| s.tokens == 0 || also) {
        let checked = tsa.stamp(&s.signature)?;
        // "Another TSA": a second token from the same one adds nothing.
        if s.subjects.contains(&checked.token.tsa_subject) {
            continue;
        }
        let name = token_file(&s.keyhex, s.tokens + 1);
        new.push((s.keyhex.clone(), name, checked, Some(tsa.url.to_string())));
    }
    Ok(new)
}

fn reply(
    signatures: &[Stampable],
    file: &Path,
    anchors: &[TsaAnchor],
    bundle: &Path,
) -> Result<NewToken, TimestampError> {
    let bytes = std::fs::read(file).map_err(|source| TimestampError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    // Checked by every rule but the nonce (the request's nonce is not known
    // here; the imprint binds the reply to one signature anyway).
    let mut refusal = None;
    for s in signatures {
        match check_reply(&bytes, &s.signature, anchors, None) {
            Ok(checked) => {
                let name = token_file(&s.keyhex, s.tokens + 1);
                return Ok((
                    s.keyhex.clone(),
                    name,
                    checked,
                    Some(file.display().to_string()),
                ));
            }
            Err(e) if e.check == TokenCheck::Imprint => {}
            Err(e) => refusal = Some(e),
        }
    }
    Err(match refusal {
        Some(error) => TimestampError::Stamp(StampError::Refused {
            source_name: file.display().to_string(),
            error,
        }),
        None => TimestampError::NoSuchSignature {
            path: file.to_path_buf(),
            bundle: bundle.to_path_buf(),
        },
    })
}
