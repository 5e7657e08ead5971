//! The signed-in state shared by every group client built from one [`crate::Client`].

use crate::{Error, Json};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The signed-in state: the bearer token Xano's `/auth/login` or `/auth/signup`
/// returned (`authToken`), an optional refresh token and metadata (for apps that
/// add their own refresh endpoint), and the current user.
///
/// Cloning a `Session` gives another handle to the same state, so signing in once
/// signs in every group client built from the same [`crate::Client`]. The token is
/// sent only to endpoints whose spec requires authentication and is never shown
/// by `Debug`. With [`crate::ClientBuilder::session_file`] the state is saved after
/// every change (atomically, readable by the owner only) and restored at start-up.
/// Inside a tokio runtime the save runs on its blocking pool, so a change never
/// blocks an async thread; [`Session::save`] waits for it.
#[derive(Clone, Default)]
pub struct Session {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    state: RwLock<State>,
    /// Bumped by every change, so a refresh can tell whether someone else already
    /// replaced the token it saw fail.
    generation: AtomicU64,
    file: OnceLock<PathBuf>,
    /// Serialises writes of the session file; holds the generation last written.
    written: Mutex<u64>,
}

#[derive(Default, Clone, Serialize, Deserialize)]
struct State {
    #[serde(default, skip_serializing_if = "Option::is_none", with = "secret")]
    token: Option<SecretString>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "secret")]
    refresh_token: Option<SecretString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<Json>,
}

/// A token set: what a sign-in or a refresh returns.
#[derive(Clone)]
pub struct Credentials {
    token: SecretString,
    refresh_token: Option<SecretString>,
    metadata: Option<Json>,
}

impl Credentials {
    /// Just the bearer token.
    pub fn new(token: impl Into<crate::Secret>) -> Self {
        Credentials {
            token: SecretString::from(token.into().expose_secret()),
            refresh_token: None,
            metadata: None,
        }
    }

    /// Adds the refresh token your app's refresh endpoint takes.
    pub fn refresh_token(mut self, token: impl Into<crate::Secret>) -> Self {
        self.refresh_token = Some(SecretString::from(token.into().expose_secret()));
        self
    }

    /// Adds metadata (an expiry, a device id, …) kept with the tokens.
    pub fn metadata(mut self, metadata: Json) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("metadata", &self.metadata)
            .finish()
    }
}

impl Session {
    /// Signs in with a bearer token (keeping any refresh token and user): a
    /// `String`, a `&str` or a generated [`Secret`](crate::Secret) field such as
    /// a login's `auth_token`.
    pub fn set_token(&self, token: impl Into<crate::Secret>) {
        let token = token.into();
        self.update(|state| state.token = Some(SecretString::from(token.expose_secret())));
    }

    /// Signs in with a token set (replacing refresh token and metadata).
    pub fn set_credentials(&self, credentials: Credentials) {
        self.update(|state| {
            state.token = Some(credentials.token);
            state.refresh_token = credentials.refresh_token;
            state.metadata = credentials.metadata;
        });
    }

    /// Records the signed-in user (typically the output of `get_auth_me`).
    pub fn set_user<T: Serialize>(&self, user: &T) -> Result<(), Error> {
        let user = serde_json::to_value(user).map_err(Error::Encode)?;
        self.update(|state| state.user = Some(user));
        Ok(())
    }

    /// The signed-in user as `T`, if one was set and it reads as `T`.
    pub fn user<T: DeserializeOwned>(&self) -> Option<T> {
        let user = self.read().user.clone()?;
        serde_json::from_value(user).ok()
    }

    /// Signs out: token, refresh token, metadata and user are dropped (and the
    /// session file rewritten empty).
    pub fn clear(&self) {
        self.update(|state| *state = State::default());
    }

    /// Whether a token is set.
    pub fn is_authenticated(&self) -> bool {
        self.read().token.is_some()
    }

    /// The current token, still wrapped so that it is not printed by accident.
    pub fn token(&self) -> Option<crate::Secret> {
        self.read()
            .token
            .as_ref()
            .map(|token| crate::Secret::new(token.expose_secret()))
    }

    /// The refresh token, for a refresh hook.
    pub fn refresh_token(&self) -> Option<crate::Secret> {
        self.read()
            .refresh_token
            .as_ref()
            .map(|token| crate::Secret::new(token.expose_secret()))
    }

    /// The metadata stored with the tokens.
    pub fn metadata(&self) -> Option<Json> {
        self.read().metadata.clone()
    }

    /// Writes the session file now, and waits for it and for every write an
    /// earlier change started (each change is also saved on its own, off the
    /// async threads).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written.
    pub async fn save(&self) -> Result<(), Error> {
        let Some(path) = self.inner.file.get().cloned() else {
            return Ok(());
        };
        let session = self.clone();
        match tokio::task::spawn_blocking(move || session.write_file(&path, true)).await {
            Ok(result) => result,
            Err(join) => Err(Error::Io {
                path: self.inner.file.get().cloned().unwrap_or_default(),
                source: std::io::Error::other(join.to_string()),
            }),
        }
    }

    /// The `Authorization` header value, if signed in.
    pub(crate) fn bearer(&self) -> Option<String> {
        self.read()
            .token
            .as_ref()
            .map(|token| format!("Bearer {}", token.expose_secret()))
    }

    pub(crate) fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::SeqCst)
    }

    /// Binds the session to `path`: restores what is there, then saves every change.
    /// Temporary files left by a writer that was killed mid-write (each may hold a
    /// token) are removed first.
    pub(crate) fn attach_file(&self, path: PathBuf) -> Result<(), Error> {
        remove_stale_temp_files(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        match std::fs::read(&path) {
            Ok(bytes) => {
                let state: State =
                    serde_json::from_slice(&bytes).map_err(|err| Error::SessionFile {
                        path: path.clone(),
                        message: err.to_string(),
                    })?;
                *self.write() = state;
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Io { path, source }),
        }
        let _ = self.inner.file.set(path);
        Ok(())
    }

    fn update(&self, change: impl FnOnce(&mut State)) {
        {
            let mut state = self.write();
            change(&mut state);
            self.inner.generation.fetch_add(1, Ordering::SeqCst);
        }
        let Some(path) = self.inner.file.get().cloned() else {
            return;
        };
        let session = self.clone();
        let write = move || {
            if let Err(err) = session.write_file(&path, false) {
                // The in-memory session still works; say why it will not survive.
                tracing::warn!(path = %path.display(), error = %err, "could not save the Xano session");
            }
        };
        // Two fsyncs and a file lock do not belong on an async thread: inside a
        // tokio runtime the write goes to its blocking pool (`save().await`
        // waits for it); outside one it happens here.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn_blocking(write);
            }
            Err(_) => write(),
        }
    }

    /// Writes the current state, one writer at a time. Each writer writes the
    /// state as it is when its turn comes, so the file always ends up holding the
    /// latest state, whatever order concurrent changes finish in; a writer whose
    /// change a later writer already saved has nothing left to do.
    fn write_file(&self, path: &Path, always: bool) -> Result<(), Error> {
        let mut written = self
            .inner
            .written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (generation, state) = {
            let state = self.read();
            (self.generation(), state.clone())
        };
        if !always && *written == generation {
            return Ok(());
        }
        write_private(path, &state)?;
        *written = generation;
        Ok(())
    }

    // A poisoned lock only means another thread panicked while swapping fields;
    // the state is still whole, so keep using it.
    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.inner
            .state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.read();
        let shown = |present: bool| if present { "[redacted]" } else { "none" };
        f.debug_struct("Session")
            .field("token", &shown(state.token.is_some()))
            .field("refresh_token", &shown(state.refresh_token.is_some()))
            .field("user", &state.user.is_some())
            .field("file", &self.inner.file.get())
            .finish()
    }
}

/// Writes `state` to `path` atomically, readable and writable by the owner only:
/// a new temporary file in the same directory (a unique name, created
/// exclusively), its bytes synced to disk, renamed over `path`, then the directory
/// synced so the rename survives a crash. Writers in other processes are kept out
/// by an advisory lock on `.<name>.lock` beside the file.
fn write_private(path: &Path, state: &State) -> Result<(), Error> {
    use std::io::Write as _;
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let bytes = serde_json::to_vec_pretty(state).map_err(Error::Encode)?;
    let (dir, name) = dir_and_name(path);
    std::fs::create_dir_all(&dir).map_err(io)?;
    let _lock = lock_session_dir(&dir, &name).map_err(io)?;
    let (temp, mut file) = create_temp(&dir, &name).map_err(io)?;
    let result = (|| {
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(io)
}

fn dir_and_name(path: &Path) -> (PathBuf, String) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// The temporary files of `name` are `.<name>.<pid>-<n>.tmp`.
fn is_temp_of(candidate: &str, name: &str) -> bool {
    candidate
        .strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|rest| rest.ends_with(".tmp"))
}

fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            // Left by an earlier process with the same id: take the next number.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
}

/// An exclusive advisory lock on `.<name>.lock` in `dir`, held until dropped.
/// Where the file system cannot lock, writes go ahead unlocked (within one
/// process they are serialised anyway).
fn lock_session_dir(dir: &Path, name: &str) -> std::io::Result<Option<std::fs::File>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let file = options.open(dir.join(format!(".{name}.lock")))?;
    match file.lock() {
        Ok(()) => Ok(Some(file)),
        Err(err) if err.kind() == std::io::ErrorKind::Unsupported => Ok(None),
        Err(err) => Err(err),
    }
}

/// Removes temporary files of the session file left by writers that died
/// mid-write. Taken under the writers' lock, so no live writer's file is touched.
fn remove_stale_temp_files(path: &Path) -> std::io::Result<()> {
    let (dir, name) = dir_and_name(path);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    let _lock = lock_session_dir(&dir, &name)?;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if is_temp_of(&file_name.to_string_lossy(), &name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// serde for `Option<SecretString>`: only the session file ever sees the value.
mod secret {
    use secrecy::{ExposeSecret, SecretString};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        value: &Option<SecretString>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(secret) => serializer.serialize_some(secret.expose_secret()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<SecretString>, D::Error> {
        Ok(Option::<String>::deserialize(deserializer)?.map(SecretString::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_tokens() {
        let session = Session::default();
        session
            .set_credentials(Credentials::new("eyJ-access-secret").refresh_token("refresh-secret"));
        let shown = format!("{session:?} {:?}", Credentials::new("x-secret"));
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
        assert_eq!(
            session.bearer().as_deref(),
            Some("Bearer eyJ-access-secret")
        );
        let other_handle = session.clone();
        let before = session.generation();
        other_handle.clear();
        assert!(!session.is_authenticated() && session.refresh_token().is_none());
        assert!(session.generation() > before);
    }

    #[test]
    fn typed_user() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Me {
            id: i64,
            email: String,
        }
        let session = Session::default();
        assert_eq!(session.user::<Me>(), None);
        let me = Me {
            id: 7,
            email: "a@b.c".into(),
        };
        session.set_user(&me).unwrap();
        assert_eq!(session.user::<Me>(), Some(me));
        assert_eq!(
            session.user::<Vec<i64>>(),
            None,
            "a mismatched type reads as None"
        );
    }

    #[test]
    fn session_files_are_private_and_survive() {
        let dir = std::env::temp_dir().join(format!("xano-session-test-{}", std::process::id()));
        let path = dir.join("session.json");
        let first = Session::default();
        first.attach_file(path.clone()).unwrap();
        first.set_credentials(Credentials::new("tok").metadata(serde_json::json!({"exp": 1})));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let second = Session::default();
        second.attach_file(path.clone()).unwrap();
        assert_eq!(second.bearer().as_deref(), Some("Bearer tok"));
        assert_eq!(second.metadata(), Some(serde_json::json!({"exp": 1})));
        second.clear();
        let third = Session::default();
        third.attach_file(path.clone()).unwrap();
        assert!(!third.is_authenticated());
        std::fs::write(&path, "not json").unwrap();
        assert!(Session::default().attach_file(path).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Inside a runtime a change returns at once, even while another process
    /// holds the session file's lock: the write waits on the blocking pool, not
    /// on the async thread, and `save().await` waits for it.
    #[tokio::test(flavor = "current_thread")]
    async fn changes_never_block_the_async_thread() {
        let dir = std::env::temp_dir().join(format!("xano-session-async-{}", std::process::id()));
        let path = dir.join("session.json");
        std::fs::create_dir_all(&dir).unwrap();
        let session = Session::default();
        session.attach_file(path.clone()).unwrap();
        let held = lock_session_dir(&dir, "session.json").unwrap();
        // Another writer, holding the lock for a while.
        let other = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            drop(held);
        });
        let started = std::time::Instant::now();
        session.set_token("tok-async");
        session.set_user(&serde_json::json!({"id": 1})).unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_millis(500),
            "set_token waited for the file lock on the async thread"
        );
        assert!(!path.exists(), "written while another writer held the lock");
        session.save().await.unwrap();
        other.join().unwrap();
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(saved["token"], "tok-async");
        assert_eq!(saved["user"]["id"], 1);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
