//! Conditional requests, opt-in ([`ClientBuilder::cache`](crate::ClientBuilder::cache)):
//! a `GET` answer that carries an `ETag` or `Last-Modified` is kept, the next
//! `GET` of the same URL asks with `If-None-Match` / `If-Modified-Since`, and a
//! `304 Not Modified` is answered with what was kept.
//!
//! GitHub documents that a conditional request answered `304` does not count
//! against the primary rate limit when it was made with an `Authorization`
//! header (docs.github.com, "Best practices for using the REST API", "Use
//! conditional requests if appropriate":
//! <https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate>).
//! A 304 still carries that limit's figures, as they are now. So a
//! replayed answer keeps only what describes its body (`Link`, `Content-Type`,
//! the validators) and takes everything else, the rate-limit figures and the
//! request ID among them, from the 304 itself: the figures are those of now,
//! never the spent budget of the run that stored the body.
//!
//! The SDK always asks GitHub (it never serves an entry as fresh by
//! `max-age`): a listing an audit reads must be what GitHub holds now.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{
    CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, HeaderName, HeaderValue, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED, LINK,
};
use reqwest::{Request, Response, StatusCode};

use crate::error::Error;
use crate::setters::setters;
use crate::wire::{self, Refusal};

/// The header the SDK puts on an answer it replayed from its cache, for
/// [`Page::from_cache`](crate::Page::from_cache); a server's own is removed.
pub(crate) const FROM_CACHE: &str = "x-pat-grants-cache";

/// What is kept of an answer's headers: what describes its body. The rest
/// comes from the 304 that confirms it.
const KEPT: [HeaderName; 4] = [LINK, CONTENT_TYPE, ETAG, LAST_MODIFIED];

/// Where a client keeps the answers it may ask for again: [`MemoryCache`],
/// [`DiskCache`], or a store of your own. Entries are opaque bytes under a
/// key of 64 hexadecimal digits (a SHA-256 of the URL, the `Accept` and API
/// version headers and the credential's identity, never the credential); the
/// SDK checks what it reads back, so a store may lose or damage entries, and
/// does not report its own failures: a cache that cannot keep something
/// only means the next request is not conditional. The client calls it on
/// its task, between a request and its answer: keep it quick (the disk
/// store reads and writes one small file).
///
/// ```
/// use github_pat_grants::{CacheStore, Client, MemoryCache};
/// let store = MemoryCache::new();
/// store.put(&"0".repeat(64), b"not an entry the SDK would take");
/// let client = Client::builder().token("ghs_example").cache(store).build()?;
/// # let _ = client;
/// # Ok::<(), github_pat_grants::Error>(())
/// ```
pub trait CacheStore: Send + Sync + 'static {
    /// The entry under `key`, if there is one.
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Keeps `entry` under `key`, replacing any.
    fn put(&self, key: &str, entry: &[u8]);
}

impl fmt::Debug for dyn CacheStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CacheStore")
    }
}

/// A store in memory, for the life of the client: a long-running process
/// (`serve`, a loop over organizations) asks again at no cost.
///
/// ```
/// use github_pat_grants::{Client, MemoryCache};
/// let client = Client::builder().token("ghs_example").cache(MemoryCache::new()).build()?;
/// # let _ = client;
/// # Ok::<(), github_pat_grants::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryCache(Mutex<HashMap<String, Vec<u8>>>);

impl MemoryCache {
    /// An empty store.
    ///
    /// ```
    /// let store = github_pat_grants::MemoryCache::new();
    /// # let _ = store;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl CacheStore for MemoryCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.0.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: &str, entry: &[u8]) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(key.to_string(), entry.to_vec());
        }
    }
}

/// A store in a folder, kept between runs: a scheduled audit's second run
/// asks GitHub only whether anything changed.
///
/// The entries hold the bodies of GitHub's answers (an organization's
/// private data), never a credential. The folder is the user's only (made
/// `0700`, or narrowed to it, on Unix), each entry a file of its own
/// (`0600`) written whole to a temporary file and renamed into place, so a
/// reader sees the old entry or the new one. It is bounded: entries not
/// used for [`max_unused`](Self::max_unused) (default 30 days) are removed,
/// and the least recently used go first when the folder grows past
/// [`max_bytes`](Self::max_bytes) (default 256 MiB). Files' modification
/// times say when an entry was last used: they are the file system's, so
/// the system's time measures them, not the client's [`Clock`](crate::Clock).
///
/// ```
/// use std::time::Duration;
/// use github_pat_grants::{Client, DiskCache};
/// # let dir = tempfile::tempdir()?;
/// let store = DiskCache::new(dir.path().join("github"))?
///     .max_bytes(64 * 1024 * 1024)
///     .max_unused(Duration::from_secs(7 * 24 * 3600));
/// let client = Client::builder().token("ghs_example").cache(store).build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct DiskCache {
    dir: PathBuf,
    max_bytes: u64,
    max_unused: Duration,
    /// The folder's size as last measured plus what was written since;
    /// `u64::MAX` until the first sweep.
    bytes: AtomicU64,
}

impl DiskCache {
    /// A store in `dir`, made if missing.
    ///
    /// # Errors
    /// [`Error::Config`] naming the folder when it cannot be made, narrowed
    /// to its owner, or written.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = github_pat_grants::DiskCache::new(dir.path().join("cache"))?;
    /// # let _ = store;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, Error> {
        let dir = dir.into();
        let failed =
            |e: std::io::Error| Error::Config(format!("cache folder `{}`: {e}", dir.display()));
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.recursive(true).create(&dir).map_err(failed)?;
        // A folder that was there already is narrowed to its owner too.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).map_err(failed)?;
        }
        // Written to once now, so that a folder that takes nothing fails
        // here, naming it, rather than every entry failing quietly later.
        tempfile::tempfile_in(&dir).map_err(failed)?;
        Ok(DiskCache {
            dir,
            max_bytes: 256 * 1024 * 1024,
            max_unused: Duration::from_secs(30 * 24 * 3600),
            bytes: AtomicU64::new(u64::MAX),
        })
    }

    setters! {
        /// The most bytes the folder's entries take; past it, the least recently
        /// used are removed until they take nine tenths of it.
        ///
        /// ```
        /// # let dir = tempfile::tempdir()?;
        /// let store = github_pat_grants::DiskCache::new(dir.path())?.max_bytes(10 << 20);
        /// # let _ = store;
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[must_use]
        max_bytes(bytes: u64) => max_bytes = bytes;

        /// How long an entry no run used is kept.
        ///
        /// ```
        /// # let dir = tempfile::tempdir()?;
        /// let store = github_pat_grants::DiskCache::new(dir.path())?
        ///     .max_unused(std::time::Duration::from_secs(3 * 24 * 3600));
        /// # let _ = store;
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[must_use]
        max_unused(unused: Duration) => max_unused = unused;
    }

    /// The file of `key`, if it is a key the SDK makes (nothing else names
    /// a path).
    fn path(&self, key: &str) -> Option<PathBuf> {
        let ours = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
        ours.then(|| self.dir.join(key))
    }

    /// Removes the entries unused for too long, then the least recently used
    /// until the rest fit in nine tenths of the cap, and counts what is left.
    fn sweep(&self) {
        let now = SystemTime::now();
        let mut entries: Vec<(SystemTime, u64, PathBuf)> = fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                // Only the store's own entries: a folder given by mistake
                // (`--cache ~`) loses none of the files it already held.
                self.path(e.file_name().to_str()?)?;
                let meta = e.metadata().ok().filter(fs::Metadata::is_file)?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        // Newest first: what is kept is a prefix.
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        let (mut kept, target) = (0u64, self.max_bytes / 10 * 9);
        for (used, len, path) in entries {
            let stale = now.duration_since(used).unwrap_or_default() > self.max_unused;
            if stale || kept + len > target {
                let _ = fs::remove_file(path);
            } else {
                kept += len;
            }
        }
        self.bytes.store(kept, Ordering::Relaxed);
    }

    /// Sweeps on first use, and when what was written since passes the cap.
    fn sweep_if_due(&self, added: u64) {
        // Before the first sweep the count wraps past `u64::MAX`; the sweep
        // that follows sets it.
        let before = self.bytes.fetch_add(added, Ordering::Relaxed);
        if before == u64::MAX || before.saturating_add(added) > self.max_bytes {
            self.sweep();
        }
    }
}

impl CacheStore for DiskCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.sweep_if_due(0);
        let mut file = File::options()
            .read(true)
            .write(true)
            .open(self.path(key)?)
            .ok()?;
        let mut entry = Vec::new();
        file.read_to_end(&mut entry).ok()?;
        // Used now: what `max_unused` and the cap's order go by.
        let _ = file.set_modified(SystemTime::now());
        Some(entry)
    }

    fn put(&self, key: &str, entry: &[u8]) {
        let Some(path) = self.path(key) else { return };
        // tempfile makes its files 0600 on Unix; the rename is atomic.
        let written = tempfile::NamedTempFile::new_in(&self.dir).and_then(|mut file| {
            file.write_all(entry)?;
            file.persist(&path).map_err(|e| e.error)
        });
        if written.is_ok() {
            self.sweep_if_due(entry.len() as u64);
        }
    }
}

/// A kept answer: its status, the headers that describe its body, and the body.
#[derive(serde::Serialize, serde::Deserialize)]
struct Head {
    key: String,
    status: u16,
    headers: Vec<(String, String)>,
    len: usize,
}

/// An entry as read back, checked.
pub(crate) struct Entry {
    head: Head,
    body: Bytes,
}

impl Entry {
    /// The entry under `key`, or none when it is missing, damaged, cut
    /// short or another key's: then the request is simply not conditional.
    fn read(store: &dyn CacheStore, key: &str) -> Option<Entry> {
        let raw = store.get(key)?;
        let split = raw.iter().position(|&b| b == b'\n')?;
        let head: Head = serde_json::from_slice(&raw[..split]).ok()?;
        let body = Bytes::copy_from_slice(&raw[split + 1..]);
        (head.key == key && head.len == body.len()).then_some(Entry { head, body })
    }

    fn encode(key: &str, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
        let head = Head {
            key: key.to_string(),
            status: status.as_u16(),
            headers: KEPT
                .iter()
                .flat_map(|name| headers.get_all(name).iter().map(move |v| (name, v)))
                .filter_map(|(n, v)| Some((n.to_string(), v.to_str().ok()?.to_string())))
                .collect(),
            len: body.len(),
        };
        let mut out = serde_json::to_vec(&head).unwrap_or_default();
        out.push(b'\n');
        out.extend_from_slice(body);
        out
    }

    fn header(&self, name: &HeaderName) -> Option<HeaderValue> {
        let (_, value) = self.head.headers.iter().find(|(n, _)| n == name.as_str())?;
        HeaderValue::from_str(value).ok()
    }

    /// The kept answer, confirmed by `not_modified`: its status, body and
    /// body's headers, with the 304's own headers (rate limits, request ID)
    /// and extensions (when it arrived).
    fn replay(self, not_modified: Response) -> Response {
        let mut headers = not_modified.headers().clone();
        for name in KEPT.iter().chain([&CONTENT_LENGTH]) {
            headers.remove(name);
        }
        for (name, value) in &self.head.headers {
            if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::from_str(value)) {
                headers.append(n, v);
            }
        }
        headers.insert(FROM_CACHE, HeaderValue::from_static("hit"));
        let status = StatusCode::from_u16(self.head.status).unwrap_or(StatusCode::OK);
        wire::rebuilt(&not_modified, status, headers, self.body)
    }
}

/// Makes `request` conditional on the entry under `key`, if there is a
/// usable one, and returns it for [`settle`].
pub(crate) fn prepare(store: &dyn CacheStore, key: &str, request: &mut Request) -> Option<Entry> {
    let entry = Entry::read(store, key)?;
    let asks = [(IF_NONE_MATCH, ETAG), (IF_MODIFIED_SINCE, LAST_MODIFIED)];
    let mut conditional = false;
    for (ask, validator) in asks {
        if let Some(value) = entry.header(&validator) {
            request.headers_mut().insert(ask, value);
            conditional = true;
        }
    }
    conditional.then_some(entry)
}

/// The answer to a request [`prepare`]d with `kept`: a 304 becomes the kept
/// answer, and a `200` with a validator is kept under `key`.
pub(crate) async fn settle(
    store: &dyn CacheStore,
    key: &str,
    kept: Option<Entry>,
    response: Response,
) -> reqwest::Result<Response> {
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(match kept {
            Some(entry) => entry.replay(response),
            None => response,
        });
    }
    let headers = response.headers();
    let validated = headers.contains_key(ETAG) || headers.contains_key(LAST_MODIFIED);
    if status != StatusCode::OK || !validated || Refusal::of(&response).is_some() {
        return Ok(response);
    }
    let (response, body) = wire::read_whole(response).await;
    let body = match body {
        Ok(body) => body,
        // The caller would have met the same error reading the body.
        Err(e) => return Refusal::of_body_error(&e).map(wire::refused).ok_or(e),
    };
    store.put(key, &Entry::encode(key, status, response.headers(), &body));
    Ok(response)
}

/// The key of a request: a SHA-256 of its URL, the headers GitHub varies
/// its answer on that the SDK sets (`Accept`, the API version), and
/// `identity`, what tells one credential's view from another's.
pub(crate) fn key(request: &Request, identity: &[&[u8]]) -> String {
    let mut digest = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    let headers = request.headers();
    let varies = [reqwest::header::ACCEPT.as_str(), "x-github-api-version"]
        .map(|name| headers.get(name).map_or(&b""[..], HeaderValue::as_bytes));
    for part in [request.url().as_str().as_bytes()]
        .iter()
        .chain(&varies)
        .chain(identity)
    {
        // Each part's length first, so that parts cannot run into each other.
        digest.update(&(part.len() as u64).to_be_bytes());
        digest.update(part);
    }
    digest
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner_only(dir: &std::path::Path) -> bool {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o077 == 0)
    }

    #[test]
    fn a_damaged_or_misplaced_entry_is_no_entry() {
        let store = MemoryCache::new();
        let key = "a".repeat(64);
        let good = Entry::encode(&key, StatusCode::OK, &HeaderMap::new(), b"[1,2]");
        store.put(&key, &good);
        assert!(Entry::read(&store, &key).is_some());
        store.put(&key, &good[..good.len() - 1]);
        assert!(Entry::read(&store, &key).is_none(), "cut short");
        store.put(&key, b"{not json\n[]");
        assert!(Entry::read(&store, &key).is_none(), "damaged");
        let other = "b".repeat(64);
        store.put(&other, &good);
        assert!(Entry::read(&store, &other).is_none(), "another key's");
    }

    #[test]
    fn a_disk_store_names_only_files_of_its_own_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = DiskCache::new(dir.path().join("c")).unwrap();
        assert!(owner_only(&dir.path().join("c")));
        store.put("../escape", b"x");
        assert!(!dir.path().join("escape").exists());
        assert!(store.get("../escape").is_none());
    }
}
