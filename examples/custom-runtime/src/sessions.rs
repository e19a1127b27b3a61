//! Sessions that survive a restart: one small JSON file per session in a
//! directory, written atomically (a temporary file, `fsync`, rename, then
//! `fsync` of the directory). A file that does not parse is moved aside
//! (`<name>.corrupt-<n>`) and reported, never silently emptied.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clawkit_core::Message;
use serde::{Deserialize, Serialize};

use crate::error::CustomRuntimeError;
pub use crate::error::SetAside;

/// The largest session file read back (a session is metadata and a
/// conversation; anything larger is set aside as corrupt).
pub const MAX_SESSION_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// What the provider keeps of one session (Claw3D's session model).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct SessionRecord {
    /// The session key (`agent:coder:main`): what Claw3D sends as
    /// `session_id`.
    pub session_key: String,
    /// The conversation (thread) id: `conversation_id`.
    pub conversation_id: String,
    /// The role the last request was routed to.
    pub active_role: Option<String>,
    /// The lane it ran in.
    pub lane: Option<String>,
    /// The model asked for.
    pub requested_model: Option<String>,
    /// The model that answered.
    pub resolved_model: Option<String>,
    /// The runtime's id of the last request.
    pub request_id: Option<String>,
    /// How many turns finished.
    pub turns: u64,
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// When it last changed, in ms since the Unix epoch.
    pub updated_at_ms: u64,
}

impl SessionRecord {
    /// A new session `session_key` in conversation `conversation_id`.
    pub fn new(session_key: impl Into<String>, conversation_id: impl Into<String>) -> Self {
        SessionRecord {
            session_key: session_key.into(),
            conversation_id: conversation_id.into(),
            ..SessionRecord::default()
        }
    }
}

/// A directory of sessions, one file each.
#[derive(Debug)]
pub struct SessionStore {
    dir: PathBuf,
    /// Serializes writers within the process.
    writing: Mutex<()>,
}

impl SessionStore {
    /// The store in `dir`, created if missing.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, CustomRuntimeError> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|e| CustomRuntimeError::store(&dir, e))?;
        Ok(SessionStore {
            dir,
            writing: Mutex::new(()),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The session `session_key`: `Ok(None)` when there is none. A file
    /// that does not parse (or is too large) is moved aside and reported as
    /// [`CustomRuntimeError::CorruptSession`]; the next call finds no
    /// session and starts a new one.
    pub fn load(&self, session_key: &str) -> Result<Option<SessionRecord>, CustomRuntimeError> {
        let path = self.path_of(session_key);
        let bytes = match read_capped(&path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(None),
            Err(Unreadable::Io(e)) => return Err(CustomRuntimeError::store(&path, e)),
            Err(Unreadable::TooLarge(size)) => {
                let reason = format!("{size} bytes, more than {MAX_SESSION_FILE_BYTES}");
                return Err(self.set_aside(&path, reason));
            }
        };
        match serde_json::from_slice::<SessionRecord>(&bytes) {
            Ok(record) if record.session_key == session_key => Ok(Some(record)),
            Ok(record) => {
                Err(self.set_aside(&path, format!("it holds session {:?}", record.session_key)))
            }
            Err(e) => Err(self.set_aside(&path, e.to_string())),
        }
    }

    /// Writes `record` atomically: readers see the old file or the new
    /// one, never a part.
    pub fn save(&self, record: &SessionRecord) -> Result<(), CustomRuntimeError> {
        let _writing = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let path = self.path_of(&record.session_key);
        let bytes = serde_json::to_vec_pretty(record)
            .map_err(|e| CustomRuntimeError::store(&path, std::io::Error::other(e)))?;
        let temporary = path.with_extension("json.tmp");
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&temporary)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            fs::rename(&temporary, &path)?;
            // The rename itself must reach the disk.
            if let Ok(dir) = fs::File::open(&self.dir) {
                dir.sync_all()?;
            }
            Ok(())
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&temporary);
            CustomRuntimeError::store(&path, e)
        })
    }

    /// Every session key stored, sorted. Files set aside and temporaries
    /// are not sessions.
    pub fn keys(&self) -> Result<Vec<String>, CustomRuntimeError> {
        let entries =
            fs::read_dir(&self.dir).map_err(|e| CustomRuntimeError::store(&self.dir, e))?;
        let mut keys = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
                continue;
            };
            if let Some(key) = decode_key(stem) {
                keys.push(key);
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// The file of `session_key`: the key hex-encoded where it is not a
    /// plain character, so any key is one safe file name.
    fn path_of(&self, session_key: &str) -> PathBuf {
        self.dir.join(format!("{}.json", encode_key(session_key)))
    }

    fn set_aside(&self, path: &Path, reason: String) -> CustomRuntimeError {
        let mut n = 1;
        let moved_to = loop {
            let candidate = path.with_extension(format!("json.corrupt-{n}"));
            if !candidate.exists() {
                break candidate;
            }
            n += 1;
        };
        match fs::rename(path, &moved_to) {
            Ok(()) => CustomRuntimeError::CorruptSession(SetAside { moved_to, reason }),
            Err(e) => CustomRuntimeError::store(path, e),
        }
    }
}

enum Unreadable {
    Io(std::io::Error),
    TooLarge(u64),
}

fn read_capped(path: &Path) -> Result<Option<Vec<u8>>, Unreadable> {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Unreadable::Io(e)),
    };
    if metadata.len() > MAX_SESSION_FILE_BYTES {
        return Err(Unreadable::TooLarge(metadata.len()));
    }
    fs::read(path).map(Some).map_err(Unreadable::Io)
}

/// Letters, digits, `-` and `.` stay; every other byte is `_xx` (hex).
fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 8);
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || (byte == b'.' && !out.is_empty()) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("_{byte:02x}"));
        }
    }
    out
}

fn decode_key(stem: &str) -> Option<String> {
    let bytes = stem.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'_' {
            let hex = stem.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("clawkit-sessions-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_session_survives_a_new_store_on_the_same_directory() {
        let dir = scratch("restart");
        let store = SessionStore::open(&dir).unwrap();
        let mut record = SessionRecord::new("agent:coder:main", "agent:coder:main");
        record.active_role = Some("coder".to_owned());
        record.messages.push(Message::user("hello"));
        record.turns = 1;
        store.save(&record).unwrap();
        drop(store);

        let reopened = SessionStore::open(&dir).unwrap();
        assert_eq!(reopened.load("agent:coder:main").unwrap(), Some(record));
        assert_eq!(reopened.keys().unwrap(), ["agent:coder:main"]);
        assert_eq!(reopened.load("agent:other:main").unwrap(), None);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_corrupt_file_is_set_aside_and_reported_never_emptied() {
        let dir = scratch("corrupt");
        let store = SessionStore::open(&dir).unwrap();
        let path = store.path_of("s/1");
        fs::write(&path, b"{\"sessionKey\": \"s/1\", \"turns\": ").unwrap();
        let error = store.load("s/1").unwrap_err();
        let CustomRuntimeError::CorruptSession(aside) = &error else {
            panic!("{error:?}");
        };
        assert!(!path.exists());
        assert_eq!(
            fs::read(&aside.moved_to).unwrap(),
            b"{\"sessionKey\": \"s/1\", \"turns\": "
        );
        assert!(error.to_string().contains("set aside"), "{error}");
        // Afterwards the session starts afresh, and the aside file is not a session.
        assert_eq!(store.load("s/1").unwrap(), None);
        assert!(store.keys().unwrap().is_empty());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn keys_are_safe_file_names_and_round_trip() {
        for key in [
            "agent:coder:main",
            "../../etc/passwd",
            "plain",
            "é ü",
            ".hidden",
            "a_b",
        ] {
            let encoded = encode_key(key);
            assert!(
                !encoded.contains('/') && !encoded.starts_with('.'),
                "{encoded}"
            );
            assert_eq!(decode_key(&encoded).as_deref(), Some(key));
        }
    }
}
