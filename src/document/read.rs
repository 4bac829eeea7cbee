//! Bounded reads: a document is never loaded past its size limit, from a
//! file (whose size the metadata tells) or from any reader (stdin, a pipe).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::DocumentError;

/// Reads a file of at most `max_size` bytes without loading more than that.
pub fn read_limited(path: &Path, max_size: u64) -> Result<Vec<u8>, DocumentError> {
    let too_large = |size| LimitError::TooLarge(size).at(path, max_size);
    let io = |source| LimitError::Io(source).at(path, max_size);
    let file = File::open(path).map_err(io)?;
    let declared = file.metadata().map_err(io)?.len();
    if declared > max_size {
        return Err(too_large(declared));
    }
    // Sized from the metadata: one allocation and one read for a regular file.
    let capacity = usize::try_from(declared).map_or(0, |n| n.saturating_add(1));
    read_to_limit(file, max_size, capacity).map_err(|e| e.at(path, max_size))
}

/// Reads any reader (such as stdin) up to `max_size` bytes; `name` is what
/// errors call it.
pub fn read_reader_limited(
    reader: impl Read,
    name: &Path,
    max_size: u64,
) -> Result<Vec<u8>, DocumentError> {
    read_to_limit(reader, max_size, 0).map_err(|e| e.at(name, max_size))
}

/// Why [`read_to_limit`] stopped, before the path is known.
enum LimitError {
    Io(std::io::Error),
    TooLarge(u64),
}

impl LimitError {
    fn at(self, path: &Path, limit: u64) -> DocumentError {
        let path = path.to_path_buf();
        match self {
            Self::Io(source) => DocumentError::Io { path, source },
            Self::TooLarge(size) => DocumentError::TooLarge { path, size, limit },
        }
    }
}

fn read_to_limit(
    mut reader: impl Read,
    max_size: u64,
    capacity: usize,
) -> Result<Vec<u8>, LimitError> {
    // One byte more than the limit tells "exactly at the limit" from "over it"
    // (files whose size the metadata does not tell, such as pipes).
    let limit = usize::try_from(max_size.saturating_add(1)).unwrap_or(usize::MAX);
    // Reads go straight into a buffer of the expected size: a file the size
    // the metadata says is read in one call, plus one that finds its end
    // (`read_to_end` reads in 8 KiB steps when it has no size hint).
    let mut bytes = vec![0; capacity.max(8 * 1024).min(limit)];
    let mut len = 0;
    loop {
        if len == bytes.len() {
            if len == limit {
                break;
            }
            bytes.resize(len.saturating_mul(2).min(limit), 0);
        }
        match reader.read(&mut bytes[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LimitError::Io(e)),
        }
    }
    bytes.truncate(len);
    if len as u64 > max_size {
        return Err(LimitError::TooLarge(len as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives its data a few bytes at a time, interrupted now and then, and
    /// counts what was taken from it.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        calls: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(5) {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(7).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    proptest::proptest! {
        /// Whatever the sizes: exactly the data when it fits, "too large"
        /// when it does not, and never more than one byte past the limit read.
        #[test]
        fn reads_are_exact_and_bounded(len in 0usize..40_000, max in 0u64..40_000, hint in 0usize..50_000) {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut reader = Trickle { data: data.clone(), at: 0, calls: 0 };
            let result = read_to_limit(&mut reader, max, hint);
            proptest::prop_assert!(reader.at as u64 <= max + 1);
            match result {
                Ok(bytes) => proptest::prop_assert!(len as u64 <= max && bytes == data),
                Err(LimitError::TooLarge(_)) => proptest::prop_assert!(len as u64 > max),
                Err(LimitError::Io(e)) => proptest::prop_assert!(false, "{e}"),
            }
        }
    }

    #[test]
    fn size_limit_is_enforced_on_readers() {
        let data = [b' '; 11];
        assert!(matches!(
            read_reader_limited(&data[..], Path::new("-"), 10),
            Err(DocumentError::TooLarge { .. })
        ));
        assert_eq!(
            read_reader_limited(&data[..10], Path::new("-"), 10)
                .unwrap()
                .len(),
            10
        );
    }
}
