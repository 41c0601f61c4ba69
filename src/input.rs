//! Reading files that an outsider may have written. CI builds reports on a
//! pull request's files, so a data file, notebook or report file can be a
//! FIFO (a read that never ends), a link to `/dev/zero` (a read that never
//! stops growing) or simply huge. Every read of such a file goes through
//! here: only regular files (or links to one) are opened, and never more
//! than a limit is read.

use std::fmt;
use std::fs;
use std::io::{self, Read as _};
use std::os::unix::fs::FileTypeExt as _;
use std::path::Path;

use crate::text::number;

/// The largest data file (`claims.csv`, …) read: 2 GiB, about 17 million
/// claims at the shipped data's 116 bytes a row.
pub const DATA_LIMIT: u64 = 2 << 30;

/// The largest notebook read: 16 MiB, far beyond any briefing (a cell
/// listing 100,000 metrics is about 2 MB).
pub const NOTEBOOK_LIMIT: u64 = 16 << 20;

/// Why a file was refused before it was read.
#[derive(Debug)]
pub enum Refused {
    /// Not a regular file (or a link to one): what it is instead.
    NotRegular(&'static str),
    /// Larger than the limit: its size and the limit, in bytes.
    TooLarge { size: u64, limit: u64 },
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::NotRegular(kind) => write!(
                f,
                "is {kind}, not a regular file (only plain files are read; replace it with one)"
            ),
            Refused::TooLarge { size, limit } => write!(
                f,
                "is {} bytes, over the limit of {} bytes",
                number(*size as f64),
                number(*limit as f64)
            ),
        }
    }
}

impl std::error::Error for Refused {}

/// What a file type is, in words, for anything but a regular file.
pub fn kind(file_type: fs::FileType) -> &'static str {
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading when it is a regular file (a link is followed,
/// and must lead to one) of at most `limit` bytes; returns it with its size.
/// The type is checked before opening, so a FIFO is never opened (opening
/// one blocks), and again on the open file, so what is read is what was
/// checked.
pub fn open(path: &Path, limit: u64) -> io::Result<(fs::File, u64)> {
    let refuse = |why: Refused| io::Error::new(io::ErrorKind::InvalidInput, why);
    let checked = |meta: &fs::Metadata| -> io::Result<u64> {
        if !meta.file_type().is_file() {
            return Err(refuse(Refused::NotRegular(kind(meta.file_type()))));
        }
        if meta.len() > limit {
            return Err(refuse(Refused::TooLarge {
                size: meta.len(),
                limit,
            }));
        }
        Ok(meta.len())
    };
    checked(&fs::metadata(path)?)?;
    let file = fs::File::open(path)?;
    let len = checked(&file.metadata()?)?;
    Ok((file, len))
}

/// The bytes of `path`, a regular file of at most `limit` bytes (see
/// [`open`]). A file that grows while it is read is still cut at `limit`.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, len) = open(path, limit)?;
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(usize::try_from(len).unwrap_or(0))
        .map_err(|_| out_of_memory(len))?;
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            Refused::TooLarge {
                size: bytes.len() as u64,
                limit,
            },
        ));
    }
    Ok(bytes)
}

/// The error for a file too large for the memory left.
pub fn out_of_memory(len: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::OutOfMemory,
        format!(
            "is {} bytes, more than the memory left to read it (a memory or address-space \
             limit); split the file or raise the limit",
            number(len as f64)
        ),
    )
}

/// The text of `path` (see [`read`]); not UTF-8 is an error.
pub fn read_to_string(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 (save it as UTF-8)"))
}

/// How many more bytes of memory this process can count on, as far as the
/// system says: the least of the room left under its address-space limit
/// (`ulimit -v`, `prlimit --as`), the memory available on the machine, and
/// the room left in its control group; `None` when none of them is known.
/// Linux only (read from `/proc` and `/sys`); elsewhere `None`.
pub fn memory_room() -> Option<u64> {
    let text = |path: &str| fs::read_to_string(path).ok();
    // The soft limit, in bytes, and the address space already in use, in kB.
    let address_space = text("/proc/self/limits").and_then(|limits| {
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max address space"))?;
        let soft: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
        let used = text("/proc/self/status")?
            .lines()
            .find_map(|l| l.strip_prefix("VmSize:"))?
            .split_whitespace()
            .next()?
            .parse::<u64>()
            .ok()?;
        // Threads reserve address space as they start (stacks, and an
        // allocator arena each): keep room for them.
        Some(
            soft.saturating_sub(used * 1024)
                .saturating_sub(ADDRESS_SPACE_RESERVE),
        )
    });
    let available = text("/proc/meminfo").and_then(|info| {
        let kb = info.lines().find_map(|l| l.strip_prefix("MemAvailable:"))?;
        Some(kb.split_whitespace().next()?.parse::<u64>().ok()? * 1024)
    });
    let group = text("/sys/fs/cgroup/memory.max").and_then(|max| {
        let max: u64 = max.trim().parse().ok()?;
        let current: u64 = text("/sys/fs/cgroup/memory.current")?.trim().parse().ok()?;
        Some(max.saturating_sub(current))
    });
    [address_space, available, group]
        .into_iter()
        .flatten()
        .min()
}

/// Address space kept free for the threads a command starts (their
/// stacks, and the allocator's arena of 64 MiB each).
const ADDRESS_SPACE_RESERVE: u64 = 512 << 20;

/// Refuses a load that needs `needed` bytes of memory when the system says
/// there is less room (see [`memory_room`]): an allocation that fails aborts
/// the process (exit 134) with no word on the file, where this says which
/// file and how much.
pub fn afford(needed: u64) -> Result<(), String> {
    match memory_room() {
        Some(room) if needed > room => Err(format!(
            "needs about {} MB of memory to load, and this process has {} MB left (a memory or \
             address-space limit, or the machine's free memory); split the data or raise the limit",
            number((needed >> 20) as f64),
            number((room >> 20) as f64)
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    // A FIFO, a device and a link to a device are refused without being
    // opened (a FIFO with no writer would block the open forever).
    #[test]
    fn refuses_special_files() -> TestResult {
        let dir = tempfile::tempdir()?;
        let fifo = dir.path().join("fifo.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status()?;
        assert!(made.success());
        let link = dir.path().join("zero.csv");
        std::os::unix::fs::symlink("/dev/zero", &link)?;
        for (path, kind) in [
            (fifo.as_path(), "a FIFO"),
            (Path::new("/dev/zero"), "a device"),
            (link.as_path(), "a device"),
            (dir.path(), "a folder"),
        ] {
            let error = read(path, DATA_LIMIT).err().ok_or("read a special file")?;
            assert_eq!(
                error.to_string(),
                format!(
                    "is {kind}, not a regular file (only plain files are read; replace it with one)"
                )
            );
        }
        Ok(())
    }

    // A file over the limit is refused with its size; a link to a regular
    // file is read.
    #[test]
    fn bounds_the_size() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("big.md");
        fs::write(&path, vec![b'x'; 1500])?;
        let error = read(&path, 1000).err().ok_or("read past the limit")?;
        assert_eq!(
            error.to_string(),
            "is 1,500 bytes, over the limit of 1,000 bytes"
        );
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&path, &link)?;
        assert_eq!(read(&link, 1500)?.len(), 1500);
        Ok(())
    }
}
