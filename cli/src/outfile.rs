//! The one way pat-audit writes a file: snapshots (`audit --output`),
//! trace's raw events (`trace --output`), and the completion scripts and
//! manual pages (`completions --dir`, `man --dir`).
//!
//! The directory a report goes to may be shared (a CI workspace, `/tmp`),
//! and whoever else can write there may plant a symbolic link where
//! pat-audit would write, hoping it writes through it. So a file is:
//!
//! 1. refused when its path is itself a symbolic link (the error names the
//!    path; nothing is written anywhere);
//! 2. written into a temporary file that the `tempfile` crate creates
//!    beside it with a random name and `O_EXCL` (it never opens an existing
//!    file or follows a link, whatever is planted in the directory), readable
//!    by the user only (0600) unless it is meant to be shared;
//! 3. flushed to the disk (`fsync`), then renamed over the target: a
//!    rename replaces a link planted meanwhile instead of following it, and
//!    readers see the old file or the new one, never half of one;
//! 4. followed by an `fsync` of the directory, so that the rename itself
//!    survives a crash, where the platform allows it.
//!
//! Until [`AtomicFile::commit`] succeeds the target is untouched, and an
//! [`AtomicFile`] dropped without it (an error, a panic) removes its
//! temporary file.
//!
//! The JSON documents written as their records arrive (the snapshot, trace's
//! raw events) are [`JsonArrayFile`]s on top of it.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::NamedTempFile;

/// Who may read the file written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// The user only (0600 on Unix): reports and snapshots, which name
    /// every token, its owner and what it may do.
    Private,
    /// Everyone, as the umask allows (0644 on Unix): completion scripts
    /// and manual pages, which the shell and `man` read as other users.
    Shared,
}

/// A file being written, in place once [`AtomicFile::commit`]ted.
#[derive(Debug)]
pub struct AtomicFile {
    temp: BufWriter<NamedTempFile>,
    path: PathBuf,
}

/// The directory a path's file is in (`.` for a bare file name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Refuses a target that is a symbolic link.
fn refuse_link(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is a symbolic link; refusing to write through it (remove it, or give \
                 the path of the file itself)",
                path.display()
            ),
        )),
        _ => Ok(()),
    }
}

impl AtomicFile {
    /// Starts writing `path`: checks it is not a symbolic link and creates
    /// the temporary file beside it.
    ///
    /// # Errors
    /// `path` is a symbolic link, or the temporary file cannot be created
    /// (a missing or unwritable directory).
    pub fn create(path: &Path, access: Access) -> io::Result<AtomicFile> {
        refuse_link(path)?;
        let mut builder = tempfile::Builder::new();
        // A dot file, so that a listing does not show it while it is
        // written; the random part is tempfile's.
        builder.prefix(".pat-audit-").suffix(".tmp");
        #[cfg(unix)]
        if access == Access::Shared {
            use std::os::unix::fs::PermissionsExt as _;
            builder.permissions(fs::Permissions::from_mode(0o644));
        }
        #[cfg(not(unix))]
        let _ = access;
        let temp = builder.tempfile_in(parent(path))?;
        Ok(AtomicFile {
            temp: BufWriter::with_capacity(64 * 1024, temp),
            path: path.to_path_buf(),
        })
    }

    /// Flushes, syncs and renames the file into place, then syncs its
    /// directory.
    ///
    /// # Errors
    /// Writing, syncing or renaming fails; the target is then as it was and
    /// the temporary file is removed.
    pub fn commit(self) -> io::Result<()> {
        let AtomicFile { temp, path } = self;
        let temp = temp.into_inner().map_err(io::IntoInnerError::into_error)?;
        temp.as_file().sync_all()?;
        // Checked again: a link planted since `create` is replaced by the
        // rename, not written through, but the user asked for a file there
        // and is told.
        refuse_link(&path)?;
        temp.persist(&path).map_err(|e| e.error)?;
        sync_dir(parent(&path));
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Syncs a directory, so that a rename in it is on the disk. Best effort:
/// the file's own data is already synced, some file systems and platforms
/// (Windows) cannot open or sync a directory, and a failure here would not
/// make the file any less written.
fn sync_dir(dir: &Path) {
    if cfg!(unix) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
}

/// Writes `contents` to `path` in one go, as [`AtomicFile`] does.
///
/// # Errors
/// As [`AtomicFile::create`] and [`AtomicFile::commit`].
pub fn write(path: &Path, access: Access, contents: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path, access)?;
    file.write_all(contents)?;
    file.commit()
}

/// A JSON document whose one array is written item by item as the items
/// arrive, so that memory holds none of them: `head` opens the document up
/// to the array's `[`, each item goes on a line of its own, and the tail
/// given to [`finish`](JsonArrayFile::finish) follows the `]`. Written as
/// every file is ([`AtomicFile`], readable by the user only): a document
/// abandoned half-way leaves nothing behind.
#[derive(Debug)]
pub struct JsonArrayFile {
    out: AtomicFile,
    first: bool,
}

impl JsonArrayFile {
    /// Starts `path` with `head`.
    ///
    /// # Errors
    /// As [`AtomicFile::create`], or `head` cannot be written.
    pub fn create(path: &Path, head: &str) -> io::Result<JsonArrayFile> {
        let mut out = AtomicFile::create(path, Access::Private)?;
        out.write_all(head.as_bytes())?;
        Ok(JsonArrayFile { out, first: true })
    }

    /// Appends one item to the array.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn item(&mut self, item: &impl Serialize) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, item)?;
        Ok(())
    }

    /// Closes the array, writes `tail` and moves the file into place.
    ///
    /// # Errors
    /// As [`AtomicFile::commit`], or `tail` cannot be written.
    pub fn finish(mut self, tail: &str) -> io::Result<()> {
        write!(self.out, "\n]{tail}\n")?;
        self.out.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_whole_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old").unwrap();
        let mut file = AtomicFile::create(&path, Access::Private).unwrap();
        file.write_all(b"new").unwrap();
        // Until committed, the old file stands.
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        file.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_dropped_uncommitted_leaves_the_old_one_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old").unwrap();
        let mut file = AtomicFile::create(&path, Access::Private).unwrap();
        file.write_all(&[b'x'; 200_000]).unwrap();
        drop(file);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_rename_that_fails_leaves_the_target_and_no_temporary() {
        // A directory cannot be replaced by a file: the rename fails.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "old").unwrap();
        assert!(write(&path, Access::Private, b"new").is_err());
        assert_eq!(std::fs::read_to_string(path.join("inside")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_bare_file_name_is_in_the_current_directory() {
        assert_eq!(parent(Path::new("out.json")), Path::new("."));
        assert_eq!(parent(Path::new("a/out.json")), Path::new("a"));
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_the_users_and_shared_ones_readable() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let mode = |name: &str| {
            let meta = std::fs::metadata(dir.path().join(name)).unwrap();
            meta.permissions().mode() & 0o777
        };
        write(&dir.path().join("private"), Access::Private, b"x").unwrap();
        assert_eq!(mode("private"), 0o600);
        write(&dir.path().join("shared"), Access::Shared, b"x").unwrap();
        assert_eq!(mode("shared") & 0o600, 0o600);
        assert_eq!(mode("shared") & 0o022, 0, "never writable by others");
    }

    #[cfg(unix)]
    #[test]
    fn a_target_that_is_a_link_is_refused_and_its_victim_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.path().join("report.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let err = write(&link, Access::Private, b"overwritten").unwrap_err();
        assert!(
            err.to_string().contains(&link.display().to_string())
                && err.to_string().contains("symbolic link"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
