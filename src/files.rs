//! Reading files safely: only regular files, only up to a size, never blocking on a FIFO.
//!
//! Plain `std` on purpose: diagnostics (`diag`) quote source files through it, so it must not
//! depend on them; `migrate::read_error` turns its errors into diagnostics.

use std::fs;
use std::path::Path;

/// Why a path could not be read as a file.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// A FIFO, device, socket or directory: reading it could block forever or never end.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        max: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge { size, max } => write!(
                f,
                "it is {size} bytes, more than the {max} bytes schemactl reads"
            ),
        }
    }
}

/// What kind of non-regular file `t` is, if it is not a regular file.
pub fn special_kind(t: &fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    if t.is_dir() {
        return Some("a directory");
    }
    (!t.is_file()).then_some("not a regular file")
}

/// Reads a regular file (a symlink to one is fine) of at most `max` bytes. FIFOs, devices,
/// sockets and directories are refused without reading them, so a `mkfifo` or a link to
/// `/dev/zero` in a folder can neither hang schemactl nor fill its memory.
pub fn read_regular_file(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let meta = fs::metadata(path).map_err(ReadError::Io)?;
    if let Some(kind) = special_kind(&meta.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never block in open(): the path may have been swapped for a FIFO since the check.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = special_kind(&meta.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            max,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}
