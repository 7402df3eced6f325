//! Idle read-only connections to one SQLite file, kept for the next read: the key-value store and
//! the search index read through one each, beside their single writer. Beside them an *anchor*
//! holds the newest snapshot between this process's writes (see [`Readers::writing`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::schema;

#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Idle connections kept at most; more are opened under load and closed when returned.
    kept: usize,
    /// A connection inside a read transaction on the newest snapshot between writes.
    ///
    /// Why: when a read transaction begins, SQLite takes a shared lock on one of the log's read
    /// marks, and when it ends it lets the lock go. Connections in one process share those locks:
    /// only the first holder takes the lock from the operating system (`fcntl`) and only the last
    /// gives it back, both while holding a mutex all the process's connections share. Every
    /// request begins and ends one read transaction, mostly alone, so each paid two system calls
    /// inside that mutex, and the two workers queued on it (8 % of the server's time for a
    /// signed-in read in a profile of `scripts/bench/http`). With the anchor holding the mark of
    /// the newest snapshot, which is the mark a new read transaction takes, each request only
    /// counts itself in.
    ///
    /// The anchor never holds back a checkpoint of this process's writes: it lets go before each
    /// write and takes the new snapshot after it (the writer's lock orders them). A write by
    /// another process (an `emmaus` command beside the server) leaves it on the older snapshot
    /// until this process next writes; reads are not affected, since each request's transaction
    /// takes its own, newest snapshot, but that process's checkpoint cannot reset the log past it
    /// meanwhile.
    anchor: Mutex<Anchor>,
    /// Whether the anchor took its snapshot after a write and has not taken it again since (see
    /// [`Readers::settle`]).
    unsettled: AtomicBool,
}

/// How long after a write the anchor takes its snapshot again: long after any read that began
/// alongside the write has chosen its read mark.
const SETTLING: Duration = Duration::from_millis(20);

#[derive(Debug, Default)]
struct Anchor {
    /// `None` while a write is under way, or when no connection could be opened.
    conn: Option<Connection>,
    /// When it last took a snapshot.
    since: Option<Instant>,
}

impl Anchor {
    /// Ends the anchor's snapshot. A connection that cannot end its transaction is closed.
    fn let_go(&mut self) {
        self.conn = self.conn.take().filter(|conn| conn.execute_batch("COMMIT").is_ok());
    }

    /// Takes the newest snapshot (a deferred `BEGIN` takes it at the first read), opening a
    /// connection when there is none.
    fn take_newest(&mut self, path: &Path) {
        let anchored = |conn: Connection| -> rusqlite::Result<Connection> {
            conn.execute_batch("BEGIN")?;
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
            Ok(conn)
        };
        self.conn = self.conn.take().map_or_else(|| schema::read_only(path), Ok).and_then(anchored).ok();
        self.since = Some(Instant::now());
    }
}

impl Readers {
    pub(crate) fn new(path: PathBuf, kept: usize) -> Self {
        Self { path, idle: Mutex::default(), kept, anchor: Mutex::default(), unsettled: AtomicBool::new(false) }
    }

    /// Runs `write` (on the writer's connection, under its lock) with the anchor let go, then
    /// anchors the newest snapshot, the one `write` made.
    pub(crate) fn writing<T>(&self, write: impl FnOnce() -> T) -> T {
        let mut anchor = self.anchor.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        anchor.let_go();
        let written = write();
        anchor.take_newest(&self.path);
        self.unsettled.store(anchor.conn.is_some(), Ordering::Release);
        written
    }

    /// Anchors the newest snapshot (see `anchor`), as after a write.
    pub(crate) fn anchor(&self) {
        self.writing(|| ());
    }

    /// Takes the anchor's snapshot once more, a little after a write, so that it holds the mark
    /// new reads take. Right after a commit no mark is at the newest snapshot yet, and the anchor
    /// and a read that begins at the same moment may each set one: then they hold different
    /// marks, and reads take the later of the two, which nothing holds between them. Taken
    /// again, the anchor finds the marks set and holds the one reads take.
    fn settle(&self) {
        if !self.unsettled.load(Ordering::Acquire) {
            return;
        }
        // A write under way holds the anchor and anchors anew when done.
        let Ok(mut anchor) = self.anchor.try_lock() else { return };
        if anchor.since.is_some_and(|since| since.elapsed() >= SETTLING) {
            anchor.let_go();
            anchor.take_newest(&self.path);
            self.unsettled.store(false, Ordering::Release);
        }
    }

    /// Runs `job` on an idle connection, or on a new one when none is idle, and keeps it after.
    pub(crate) fn with<T, E>(
        &self,
        error: impl FnOnce(rusqlite::Error) -> E,
        job: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self.take().map_err(error)?;
        let result = job(&conn);
        self.give_back(conn);
        result
    }

    /// An idle connection, or a new one when none is idle. It must not be inside a transaction
    /// when given back.
    pub(crate) fn take(&self) -> rusqlite::Result<Connection> {
        self.settle();
        let pooled = self.idle.lock().expect("a reader pool's lock is poisoned").pop();
        match pooled {
            Some(conn) => Ok(conn),
            None => schema::read_only(&self.path),
        }
    }

    /// Keeps `conn` for the next read, or closes it when enough are idle.
    pub(crate) fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().expect("a reader pool's lock is poisoned");
        if idle.len() < self.kept {
            idle.push(conn);
        }
    }
}
