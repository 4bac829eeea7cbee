//! Copying a payload file into the zip while hashing it, once.

use std::io::{self, Read, Write};

use crate::digest::{Digests, Sha256Digest, Sha512Digest};

/// Copies `reader` into `out` while hashing it. Large inputs are hashed by
/// two threads (one per algorithm) while this one reads and writes.
pub(super) fn copy_hashing(
    reader: impl Read,
    out: &mut dyn Write,
    size: u64,
    progress: &dyn Fn(u64),
) -> io::Result<Digests> {
    if size < 8 << 20 {
        copy_hashing_small(reader, out, progress)
    } else {
        copy_hashing_large(reader, out, progress)
    }
}

fn copy_hashing_small(
    mut reader: impl Read,
    out: &mut dyn Write,
    progress: &dyn Fn(u64),
) -> io::Result<Digests> {
    let mut hasher = crate::digest::DualHasher::new();
    let mut copied = 0u64;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(hasher.finish()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buffer[..n]);
        out.write_all(&buffer[..n])?;
        copied += n as u64;
        progress(copied);
    }
}

/// Reads a chunk of up to `CHUNK` bytes (fewer only at the end).
fn read_chunk(reader: &mut impl Read) -> io::Result<Vec<u8>> {
    const CHUNK: usize = 1 << 20;
    let mut buffer = vec![0u8; CHUNK];
    let mut filled = 0;
    while filled < CHUNK {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buffer.truncate(filled);
    Ok(buffer)
}

fn copy_hashing_large(
    mut reader: impl Read,
    out: &mut dyn Write,
    progress: &dyn Fn(u64),
) -> io::Result<Digests> {
    use sha2::Digest as _;
    use std::sync::Arc;
    use std::sync::mpsc::sync_channel;
    std::thread::scope(|scope| {
        let (tx256, rx256) = sync_channel::<Arc<Vec<u8>>>(4);
        let (tx512, rx512) = sync_channel::<Arc<Vec<u8>>>(4);
        let h256 = scope.spawn(move || {
            let mut h = sha2::Sha256::new();
            rx256.into_iter().for_each(|chunk| h.update(&chunk[..]));
            Sha256Digest(h.finalize().into())
        });
        let h512 = scope.spawn(move || {
            let mut h = sha2::Sha512::new();
            rx512.into_iter().for_each(|chunk| h.update(&chunk[..]));
            Sha512Digest(h.finalize().into())
        });
        let mut length = 0u64;
        let copied: io::Result<()> = (|| loop {
            let chunk = read_chunk(&mut reader)?;
            if chunk.is_empty() {
                return Ok(());
            }
            out.write_all(&chunk)?;
            length += chunk.len() as u64;
            progress(length);
            let chunk = Arc::new(chunk);
            // A hasher thread only stops early if it panicked; join reports that.
            let _ = tx256.send(Arc::clone(&chunk));
            let _ = tx512.send(chunk);
        })();
        drop(tx256);
        drop(tx512);
        let sha256 = h256
            .join()
            .map_err(|_| io::Error::other("SHA-256 thread failed"))?;
        let sha512 = h512
            .join()
            .map_err(|_| io::Error::other("SHA-512 thread failed"))?;
        copied?;
        Ok(Digests {
            sha256,
            sha512,
            length,
        })
    })
}
