//! Reading one zip entry in place: its compressed bytes through `pread`
//! (so threads share one open file), inflated with a raw Deflate decoder,
//! counted and CRC-checked against the headers; a Deflate stream must fill
//! its compressed size exactly, and nothing is inflated past the declared
//! size.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::fs::FileExt;

use flate2::{Decompress, FlushDecompress, Status};

use super::code::{ContainerCode, UnsafeArchive};
use super::zip_layout::{Entry, Method};

/// The bytes `[pos, end)` of a file, read with `pread`.
struct Range<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl Read for Range<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = (self.end - self.pos).min(buf.len() as u64) as usize;
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file ended while reading an entry (did it change?)",
            ));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

enum Body<'a> {
    Stored(Range<'a>),
    Deflated(Box<Inflate<'a>>),
}

/// A raw Deflate stream over the compressed range, driven by hand so that
/// its end is known: the stream must end exactly where the range does.
struct Inflate<'a> {
    source: BufReader<Range<'a>>,
    /// Always `Some` until dropped, when it goes back to this thread's spares.
    state: Option<Decompress>,
    ended: bool,
}

thread_local! {
    /// Decoders of entries already read, reset for the next: a new one
    /// allocates and zeroes a 32 KiB window, which for the small entries of
    /// a bundle costs more than inflating them.
    static SPARE_DECODERS: std::cell::RefCell<Vec<Decompress>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Most spare decoders a thread keeps (entries are read one at a time per
/// thread; a few cover nested reads).
const SPARE_LIMIT: usize = 4;

fn decoder() -> Decompress {
    let spare = SPARE_DECODERS
        .try_with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.pop()))
        .ok()
        .flatten();
    match spare {
        Some(mut d) => {
            d.reset(false);
            d
        }
        None => Decompress::new(false),
    }
}

impl Drop for Inflate<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.state.take() {
            let _ = SPARE_DECODERS.try_with(|s| {
                if let Ok(mut s) = s.try_borrow_mut()
                    && s.len() < SPARE_LIMIT
                {
                    s.push(d);
                }
            });
        }
    }
}

impl Inflate<'_> {
    /// Inflates into `buf`; `Ok(0)` only once the stream has ended.
    fn read(&mut self, buf: &mut [u8], entry: &Entry) -> io::Result<usize> {
        if self.ended {
            return Ok(0);
        }
        let bad = |why: String| {
            UnsafeArchive::new(
                ContainerCode::BadDeflate,
                &entry.name,
                Some(entry.header_offset),
                why,
            )
            .into_io()
        };
        let Some(state) = self.state.as_mut() else {
            return Err(bad("the Deflate decoder is gone".into()));
        };
        loop {
            let input = self.source.fill_buf()?;
            let at_end = input.is_empty();
            let (before_in, before_out) = (state.total_in(), state.total_out());
            let status = state
                .decompress(input, buf, FlushDecompress::None)
                .map_err(|e| bad(format!("invalid Deflate data: {e}")))?;
            let used = (state.total_in() - before_in) as usize;
            let made = (state.total_out() - before_out) as usize;
            self.source.consume(used);
            if status == Status::StreamEnd {
                self.ended = true;
                return Ok(made);
            }
            if made > 0 {
                return Ok(made);
            }
            if at_end || used == 0 {
                return Err(bad(format!(
                    "the {} compressed bytes end before the Deflate stream does",
                    entry.compressed
                )));
            }
        }
    }
}

/// Entries up to this compressed size are checked for padding bits: the
/// check inflates the entry again once per padding bit, which costs too
/// much for a large manifest (64 KiB holds every text file of a bundle but
/// the manifests of one with thousands of files).
const PADDING_CHECK_LIMIT: u64 = 64 << 10;

/// Inflates `data` whole; `(crc, length)` if it is one Deflate stream that
/// ends exactly at its last byte. `state` and `out` are reused between calls.
fn inflate_all(data: &[u8], state: &mut Decompress, out: &mut [u8]) -> Option<(u32, u64)> {
    state.reset(false);
    let mut crc = crc32fast::Hasher::new();
    loop {
        let before = state.total_out();
        let input = data.get(state.total_in() as usize..)?;
        let status = state.decompress(input, out, FlushDecompress::None).ok()?;
        let made = (state.total_out() - before) as usize;
        crc.update(&out[..made]);
        if status == Status::StreamEnd {
            return (state.total_in() == data.len() as u64)
                .then(|| (crc.finalize(), state.total_out()));
        }
        if made == 0 && state.total_in() == data.len() as u64 {
            return None;
        }
    }
}

/// The bits after the end of the final Deflate block must be zero, or one
/// byte of the file could change without changing what it holds: the
/// high bits of the last byte are flipped one by one, as long as the
/// stream still inflates to the same bytes (they are padding), and a
/// padding bit that is set is refused.
///
/// The same verdict with fewer inflations: a last byte with no bit set
/// passes unread, and one whose highest set bit changes what the stream
/// holds when flipped passes after one (Deflate reads a byte's bits from
/// the lowest up, so the bits it reads are below every padding bit); only
/// then is every bit tried from the top.
fn padding_is_zero(file: &File, entry: &Entry) -> io::Result<bool> {
    let mut data = vec![0u8; entry.compressed as usize];
    file.read_exact_at(&mut data, entry.data_offset)?;
    let Some(&last) = data.last() else {
        return Ok(true);
    };
    if last == 0 {
        return Ok(true);
    }
    let expected = Some((entry.crc32, entry.size));
    let end = data.len() - 1;
    // One decoder and output buffer per thread, reset for each stream: a
    // fresh decoder and a zeroed buffer per entry cost more than the
    // inflation of a small one.
    thread_local! {
        static SCRATCH: std::cell::RefCell<Option<(Decompress, Vec<u8>)>> =
            const { std::cell::RefCell::new(None) };
    }
    SCRATCH.with(|cell| {
        let mut own = None;
        let mut borrowed = cell.try_borrow_mut();
        let slot = match borrowed.as_deref_mut() {
            Ok(slot) => slot,
            Err(_) => &mut own,
        };
        let (state, out) =
            slot.get_or_insert_with(|| (Decompress::new(false), vec![0u8; 64 * 1024]));
        let mut same_when_flipped = |data: &mut [u8], bit: u8| {
            data[end] = last ^ (1 << bit);
            inflate_all(data, state, out) == expected
        };
        let highest = 7 - last.leading_zeros() as u8;
        if !same_when_flipped(&mut data, highest) {
            return Ok(true);
        }
        for bit in (0..8).rev() {
            if !same_when_flipped(&mut data, bit) {
                break;
            }
            if last & (1 << bit) != 0 {
                return Ok(false);
            }
        }
        Ok(true)
    })
}

/// Reads an entry's uncompressed bytes; the end of the entry is reported
/// only after its length, CRC-32 and (for Deflate) the use of every
/// compressed byte have been checked.
pub(super) struct EntryReader<'a> {
    body: Body<'a>,
    entry: &'a Entry,
    crc: crc32fast::Hasher,
    count: u64,
    done: bool,
}

impl<'a> EntryReader<'a> {
    pub(super) fn new(file: &'a File, entry: &'a Entry) -> Self {
        let range = Range {
            file,
            pos: entry.data_offset,
            end: entry.data_offset + entry.compressed,
        };
        let body = match entry.method {
            Method::Stored => Body::Stored(range),
            Method::Deflated => Body::Deflated(Box::new(Inflate {
                // One read for a small entry; 64 KiB at a time for a large one.
                source: BufReader::with_capacity(
                    (entry.compressed as usize).clamp(1, 64 * 1024),
                    range,
                ),
                state: Some(decoder()),
                ended: false,
            })),
        };
        Self {
            body,
            entry,
            crc: crc32fast::Hasher::new(),
            count: 0,
            done: false,
        }
    }

    fn refuse(&self, code: ContainerCode, reason: String) -> io::Error {
        UnsafeArchive::new(
            code,
            &self.entry.name,
            Some(self.entry.header_offset),
            reason,
        )
        .into_io()
    }

    /// The checks at the end of the entry.
    fn finish(&mut self) -> io::Result<()> {
        self.done = true;
        if let Body::Deflated(inflate) = &mut self.body {
            let used = inflate.state.as_ref().map_or(0, Decompress::total_in);
            if used != self.entry.compressed {
                return Err(self.refuse(
                    ContainerCode::BadDeflate,
                    format!(
                        "the Deflate stream ends after {used} of its {} compressed bytes",
                        self.entry.compressed
                    ),
                ));
            }
        }
        if self.count != self.entry.size {
            return Err(self.refuse(
                ContainerCode::SizeMismatch,
                format!(
                    "{} bytes where the headers say {}",
                    self.count, self.entry.size
                ),
            ));
        }
        let crc = std::mem::take(&mut self.crc).finalize();
        if crc != self.entry.crc32 {
            return Err(self.refuse(
                ContainerCode::CrcMismatch,
                format!(
                    "CRC-32 {crc:08x} where the headers say {:08x}",
                    self.entry.crc32
                ),
            ));
        }
        // Once per entry of an opened zip: its other reads skip it.
        if let Body::Deflated(inflate) = &self.body
            && self.entry.compressed <= PADDING_CHECK_LIMIT
            && !match self.entry.padding_zero.get() {
                Some(zero) => *zero,
                None => {
                    let zero = padding_is_zero(inflate.source.get_ref().file, self.entry)?;
                    *self.entry.padding_zero.get_or_init(|| zero)
                }
            }
        {
            return Err(self.refuse(
                ContainerCode::BadDeflate,
                "bits after the end of the Deflate stream are not zero".into(),
            ));
        }
        Ok(())
    }
}

impl Read for EntryReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        let read = match &mut self.body {
            Body::Stored(range) => range.read(buf),
            Body::Deflated(inflate) => inflate.read(buf, self.entry),
        };
        let n = read?;
        if n == 0 {
            self.finish()?;
            return Ok(0);
        }
        self.count += n as u64;
        if self.count > self.entry.size {
            self.done = true;
            return Err(self.refuse(
                ContainerCode::SizeMismatch,
                format!("more than the {} bytes the headers say", self.entry.size),
            ));
        }
        self.crc.update(&buf[..n]);
        Ok(n)
    }
}
