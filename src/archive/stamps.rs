//! Time-stamp tokens over the archive's checkpoints (docs/FORMAT.md §7.12):
//! getting one for the latest checkpoint (online, or offline by request
//! and reply files), reading the tokens kept beside a checkpoint, and the
//! time they prove. By the log's consistency, a token over a checkpoint
//! proves the existence of every entry of every earlier tree, so stamping
//! the latest checkpoint again renews the evidence for all of them.

use std::collections::BTreeMap;

use super::storage::Item;
use super::{Archive, ArchiveError};
use crate::bundle::stamp::{self, CheckedReply, StampError, Tsa};
use crate::timestamp::{self, TsaAnchor};
use crate::utc::UtcTime;

/// At most this many tokens are read beside one checkpoint.
pub const MAX_TOKENS_PER_CHECKPOINT: usize = 64;

/// A token stored beside a checkpoint.
#[derive(Debug, Clone)]
pub struct CheckpointStamp {
    /// The checkpoint's tree size.
    pub size: u64,
    /// Its position among that checkpoint's tokens (1 = `<size>.tsr`).
    pub position: usize,
    /// The token's genTime.
    pub gen_time: UtcTime,
    /// The TSA's certificate subject.
    pub tsa: String,
    /// Whether the archive's trust vouches for the TSA (if not, the token is
    /// kept, but proves nothing until the TSA is trusted).
    pub trusted: bool,
    /// The item it is stored as.
    pub item: Item,
}

/// A token over a checkpoint that holds under the anchors given.
#[derive(Debug, Clone)]
pub struct ProvenCheckpoint {
    /// The checkpoint's tree size.
    pub size: u64,
    /// The latest instant the token allows (genTime plus accuracy).
    pub time: UtcTime,
    /// The anchor it chains to.
    pub anchor: String,
}

impl Archive {
    /// Every stored token over the kept checkpoint of `size`, in order of
    /// position (1, 2, … without gaps; reading stops at the first missing).
    pub fn checkpoint_tokens(&self, size: u64) -> Result<Vec<(Item, Vec<u8>)>, ArchiveError> {
        let mut out = Vec::new();
        for position in 1..=MAX_TOKENS_PER_CHECKPOINT {
            let item = Item::HistoryToken(size, position);
            match self.storage().read(&item)? {
                Some(bytes) => out.push((item, bytes)),
                None => break,
            }
        }
        Ok(out)
    }

    /// The TSA anchors of the archive's current trust.
    pub fn tsa_anchors(&self) -> Result<Vec<TsaAnchor>, ArchiveError> {
        Ok(self
            .current_trust()?
            .map(|s| s.anchors())
            .unwrap_or_default())
    }

    /// Asks `tsa` for a token over the latest checkpoint's exact bytes and
    /// keeps it beside the checkpoint (the reply checked first: status,
    /// nonce, imprint, signature; a TSA the archive's trust does not vouch
    /// for is kept, and said so).
    pub fn stamp_checkpoint(&self, tsa: &Tsa<'_>) -> Result<CheckpointStamp, ArchiveError> {
        let _lock = self.storage().lock()?;
        let (size, note) = self.kept_latest()?;
        let checked = tsa.stamp(note.as_bytes())?;
        self.keep_token(size, checked)
    }

    /// The request (DER `TimeStampReq`) for a token over the latest
    /// checkpoint, for a TSA reached another way, and the checkpoint's size.
    pub fn checkpoint_request(&self) -> Result<(u64, Vec<u8>), ArchiveError> {
        let (size, note) = self.kept_latest()?;
        let query = timestamp::query(note.as_bytes()).map_err(StampError::Query)?;
        Ok((size, query.der))
    }

    /// Keeps a reply obtained elsewhere for the latest checkpoint, checked
    /// by the same rules (without a nonce: the request was made elsewhere).
    pub fn attach_checkpoint_reply(
        &self,
        reply: &[u8],
        source_name: &str,
    ) -> Result<CheckpointStamp, ArchiveError> {
        let _lock = self.storage().lock()?;
        let (size, note) = self.kept_latest()?;
        let anchors = self.tsa_anchors()?;
        let checked =
            stamp::check_reply(reply, note.as_bytes(), &anchors, None).map_err(|error| {
                StampError::Refused {
                    source_name: source_name.to_string(),
                    error,
                }
            })?;
        self.keep_token(size, checked)
    }

    /// The time each kept checkpoint's tokens prove under `anchors`: for
    /// each size, the earliest of its valid tokens. Tokens that fail are
    /// left out (the audit names them).
    pub fn proven_checkpoints(
        &self,
        sizes: impl IntoIterator<Item = (u64, String)>,
        anchors: &[TsaAnchor],
    ) -> Result<BTreeMap<u64, ProvenCheckpoint>, ArchiveError> {
        let mut out = BTreeMap::new();
        for (size, note) in sizes {
            for (_, reply) in self.checkpoint_tokens(size)? {
                let Ok(token) = timestamp::verify(&reply, note.as_bytes(), anchors, None) else {
                    continue;
                };
                let proven = ProvenCheckpoint {
                    size,
                    time: UtcTime::from_datetime(token.latest),
                    anchor: token.anchor_name.clone(),
                };
                match out.get(&size) {
                    Some(ProvenCheckpoint { time, .. }) if *time <= proven.time => {}
                    _ => {
                        out.insert(size, proven);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The latest checkpoint's size and exact bytes, as kept in the history.
    fn kept_latest(&self) -> Result<(u64, String), ArchiveError> {
        let (cp, note) = self.latest_checkpoint()?;
        let key = self.public_key()?;
        match self.log().kept(cp.size, &key)? {
            Some((_, kept)) if kept == note => Ok((cp.size, note)),
            _ => Err(super::damaged(
                &self.storage().locate(&Item::Checkpoint),
                "the published checkpoint is not the one kept in the history",
            )),
        }
    }

    /// Stores a checked token at the next free position of `size`.
    fn keep_token(
        &self,
        size: u64,
        checked: CheckedReply,
    ) -> Result<CheckpointStamp, ArchiveError> {
        let position = self.checkpoint_tokens(size)?.len() + 1;
        if position > MAX_TOKENS_PER_CHECKPOINT {
            return Err(super::damaged(
                &self.storage().locate(&Item::History(size)),
                format!("it already has {MAX_TOKENS_PER_CHECKPOINT} time-stamp tokens"),
            ));
        }
        let item = Item::HistoryToken(size, position);
        self.storage().create(&item, &checked.reply)?;
        self.storage().sync()?;
        Ok(CheckpointStamp {
            size,
            position,
            gen_time: UtcTime::from_datetime(checked.token.gen_time),
            tsa: checked.token.tsa_subject,
            trusted: checked.trusted,
            item,
        })
    }
}
