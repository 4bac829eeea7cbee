//! Output conventions: data on stdout (a closed pipe is success), messages
//! on stderr, `--quiet`, JSON, and progress bars on a terminal only.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use super::CliError;

static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets `--quiet`.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` was given: only errors, warnings and data are printed.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Writes to stdout, treating a closed pipe (`docseal … | head`) as success.
pub fn write_stdout(text: &[u8]) -> Result<(), CliError> {
    stream_stdout(|out| out.write_all(text))
}

/// Streams output to stdout through one buffer (large reports are never held
/// in memory whole). A closed pipe (`| head`) is not an error.
pub fn stream_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), CliError> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(format!("cannot write to stdout: {e}"))),
    }
}

/// Pretty JSON on stdout, with a final newline.
pub fn write_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| CliError::new(e.to_string()))?;
    text.push('\n');
    write_stdout(text.as_bytes())
}

/// A byte progress bar, drawn on stderr only when it is a terminal, not with
/// `--quiet`, and only once the work turns out to be large (64 MiB or more).
pub struct ByteProgress(Option<indicatif::ProgressBar>);

impl ByteProgress {
    /// A bar that stays hidden until the work is large.
    pub fn new() -> Self {
        use std::io::IsTerminal;
        Self((io::stderr().is_terminal() && !quiet()).then(|| {
            let bar = indicatif::ProgressBar::hidden();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }))
    }

    /// Reports (done, total) bytes.
    pub fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.0
            && total >= 64 << 20
        {
            if bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
