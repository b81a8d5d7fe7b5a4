//! The embedded default backend: one SQLite database file in WAL mode.
//!
//! Layout (normative copy in `docs/design.md`): one table
//! `rows(t INTEGER, k BLOB, v BLOB, PRIMARY KEY (t, k)) WITHOUT ROWID` in `sbroker.db`.
//! `t` is the [`Table`] code. `journal_mode=WAL` and `synchronous=FULL` make a
//! committed SQLite transaction durable when `COMMIT` returns: one batch = one SQLite
//! transaction = one WAL fsync.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags, params};

use crate::{Change, Row, StorageBackend, StorageError, Table, WriteSet};

/// Name of the database file inside the data directory.
pub const DB_FILE_NAME: &str = "sbroker.db";

/// Current format version, stored in the `Meta` table under the key `format`.
pub const FORMAT_VERSION: u32 = 1;

/// SQLite-backed storage.
pub struct SqliteBackend {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    syncs: AtomicU64,
}

fn io(e: rusqlite::Error) -> StorageError {
    StorageError::Io(e.to_string())
}

fn open_conn(path: &Path) -> Result<Connection, StorageError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(io)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(io)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(io)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(io)?;
    Ok(conn)
}

impl SqliteBackend {
    /// Opens (creating if needed) the store in directory `dir`.
    pub fn open(dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(|e| StorageError::Io(e.to_string()))?;
        let path = dir.join(DB_FILE_NAME);
        let writer = open_conn(&path)?;
        writer
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS rows (
                    t INTEGER NOT NULL,
                    k BLOB NOT NULL,
                    v BLOB NOT NULL,
                    PRIMARY KEY (t, k)
                 ) WITHOUT ROWID;",
            )
            .map_err(io)?;
        let version: Option<Vec<u8>> = writer
            .query_row(
                "SELECT v FROM rows WHERE t = ?1 AND k = ?2",
                params![Table::Meta as u8, b"format".as_slice()],
                |r| r.get(0),
            )
            .ok();
        match version {
            None => {
                writer
                    .execute(
                        "INSERT INTO rows (t, k, v) VALUES (?1, ?2, ?3)",
                        params![
                            Table::Meta as u8,
                            b"format".as_slice(),
                            FORMAT_VERSION.to_be_bytes().as_slice()
                        ],
                    )
                    .map_err(io)?;
            }
            Some(v) => {
                let found = <[u8; 4]>::try_from(v.as_slice())
                    .map(u32::from_be_bytes)
                    .map_err(|_| StorageError::Corrupt("bad format version row".into()))?;
                if found != FORMAT_VERSION {
                    return Err(StorageError::Corrupt(format!(
                        "data directory has format version {found}, this build reads {FORMAT_VERSION}"
                    )));
                }
            }
        }
        let reader = open_conn(&path)?;
        Ok(Self {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            syncs: AtomicU64::new(0),
        })
    }
}

impl StorageBackend for SqliteBackend {
    fn apply(&self, batch: &[WriteSet]) -> Result<(), StorageError> {
        let mut conn = self.writer.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(io)?;
        {
            let mut put = tx
                .prepare_cached("INSERT OR REPLACE INTO rows (t, k, v) VALUES (?1, ?2, ?3)")
                .map_err(io)?;
            let mut del = tx
                .prepare_cached("DELETE FROM rows WHERE t = ?1 AND k = ?2")
                .map_err(io)?;
            for ws in batch {
                for change in &ws.changes {
                    match change {
                        Change::Put { table, key, value } => {
                            put.execute(params![*table as u8, key, value]).map_err(io)?;
                        }
                        Change::Delete { table, key } => {
                            del.execute(params![*table as u8, key]).map_err(io)?;
                        }
                    }
                }
            }
        }
        tx.commit().map_err(io)?;
        self.syncs.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn scan(&self, table: Table) -> Result<Vec<Row>, StorageError> {
        let conn = self.reader.lock();
        let mut stmt = conn
            .prepare_cached("SELECT k, v FROM rows WHERE t = ?1 ORDER BY k")
            .map_err(io)?;
        let rows = stmt
            .query_map(params![table as u8], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .map_err(io)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(io)
    }

    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let conn = self.reader.lock();
        let mut stmt = conn
            .prepare_cached("SELECT v FROM rows WHERE t = ?1 AND k = ?2")
            .map_err(io)?;
        let mut rows = stmt.query(params![table as u8, key]).map_err(io)?;
        match rows.next().map_err(io)? {
            Some(r) => Ok(Some(r.get(0).map_err(io)?)),
            None => Ok(None),
        }
    }

    fn sync_count(&self) -> u64 {
        self.syncs.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_survives_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let b = SqliteBackend::open(dir.path()).expect("open");
            let mut ws = WriteSet::new();
            ws.put(Table::Message, vec![1], vec![10]);
            ws.put(Table::Message, vec![2], vec![20]);
            let mut ws2 = WriteSet::new();
            ws2.delete(Table::Message, vec![1]);
            b.apply(&[ws, ws2]).expect("apply");
        }
        let b = SqliteBackend::open(dir.path()).expect("reopen");
        assert_eq!(
            b.scan(Table::Message).expect("scan"),
            vec![(vec![2], vec![20])]
        );
        assert_eq!(b.get(Table::Message, &[2]).expect("get"), Some(vec![20]));
        assert_eq!(b.get(Table::Message, &[1]).expect("get"), None);
    }

    #[test]
    fn refuses_unknown_format_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let b = SqliteBackend::open(dir.path()).expect("open");
            let mut ws = WriteSet::new();
            ws.put(
                Table::Meta,
                b"format".to_vec(),
                99u32.to_be_bytes().to_vec(),
            );
            b.apply(&[ws]).expect("apply");
        }
        assert!(matches!(
            SqliteBackend::open(dir.path()),
            Err(StorageError::Corrupt(_))
        ));
    }
}
