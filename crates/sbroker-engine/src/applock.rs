//! Application locks (`sp_getapplock` / `sp_releaseapplock`): named locks on a resource
//! string in a database, owned by a transaction (released at commit or rollback) or by a
//! session (released explicitly or when the session ends).
//!
//! Modes: Shared and IntentShared are compatible with each other; Update, IntentExclusive
//! and Exclusive are treated as exclusive. Holders of one owner never block themselves, and
//! a lock taken twice by one owner must be released twice.

use std::time::{Duration, Instant};

use sbroker_types::ServerError;

use crate::instance::{Ctx, Session};
use crate::state::State;
use crate::txn::TxnId;

/// Who owns an application lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppLockOwner {
    /// `@LockOwner = 'Transaction'` (the default).
    Transaction,
    /// `@LockOwner = 'Session'`.
    Session,
}

/// Requested mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppLockMode {
    /// Shared or IntentShared.
    Shared,
    /// Update, IntentExclusive or Exclusive.
    Exclusive,
}

/// The holder identity of a granted lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Holder {
    Txn(TxnId),
    Session(i32),
}

/// One granted lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    pub holder: Holder,
    pub mode: AppLockMode,
    pub count: u32,
}

fn compatible(grants: &[Grant], me: Holder, mode: AppLockMode) -> bool {
    grants
        .iter()
        .filter(|g| g.holder != me)
        .all(|g| g.mode == AppLockMode::Shared && mode == AppLockMode::Shared)
}

/// Releases every application lock a transaction holds (at commit or rollback).
pub(crate) fn release_txn(st: &mut State, tx: TxnId) {
    release_holder(st, Holder::Txn(tx));
}

pub(crate) fn release_holder(st: &mut State, h: Holder) {
    st.applocks.retain(|_, grants| {
        grants.retain(|g| g.holder != h);
        !grants.is_empty()
    });
}

fn get(
    ctx: &mut Ctx<'_, '_>,
    resource: &str,
    mode: AppLockMode,
    owner: AppLockOwner,
    timeout: Option<Duration>,
    spid: i32,
) -> Result<i32, ServerError> {
    let key = (ctx.db, resource.to_ascii_lowercase());
    let me = match owner {
        AppLockOwner::Transaction => Holder::Txn(ctx.tx.id),
        AppLockOwner::Session => Holder::Session(spid),
    };
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut waited = false;
    loop {
        let grants = ctx.guard.applocks.entry(key.clone()).or_default();
        if compatible(grants, me, mode) {
            match grants.iter_mut().find(|g| g.holder == me) {
                Some(g) => {
                    g.count += 1;
                    if mode == AppLockMode::Exclusive {
                        g.mode = AppLockMode::Exclusive;
                    }
                }
                None => grants.push(Grant {
                    holder: me,
                    mode,
                    count: 1,
                }),
            }
            return Ok(if waited { 1 } else { 0 });
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(-1);
        }
        waited = true;
        if !ctx.wait_change(deadline)? {
            return Ok(-1);
        }
    }
}

impl Session {
    /// `sp_getapplock`: 0 granted at once, 1 granted after waiting, −1 timed out, −999 on a
    /// parameter error (a Transaction-owned lock outside a transaction). `timeout_ms` −1
    /// waits for ever, 0 does not wait.
    pub fn get_applock(
        &mut self,
        resource: &str,
        mode: AppLockMode,
        owner: AppLockOwner,
        timeout_ms: i64,
    ) -> Result<i32, ServerError> {
        if owner == AppLockOwner::Transaction && !self.in_transaction() {
            return Err(ServerError::new(
                1223,
                "Cannot obtain a Transaction-owned application lock outside a transaction; use @LockOwner = 'Session' or BEGIN TRANSACTION first.",
            ));
        }
        if resource.is_empty() || resource.chars().count() > 255 {
            return Ok(-999);
        }
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms.unsigned_abs()));
        let spid = self.spid();
        self.run(|ctx| get(ctx, resource, mode, owner, timeout, spid))
    }

    /// `sp_releaseapplock`: 0 released, −999 when this owner holds no such lock.
    pub fn release_applock(
        &mut self,
        resource: &str,
        owner: AppLockOwner,
    ) -> Result<i32, ServerError> {
        let spid = self.spid();
        let db = self.database_id();
        let txn = self.txn.as_ref().map(|t| t.id);
        let me = match owner {
            AppLockOwner::Transaction => match txn {
                Some(t) => Holder::Txn(t),
                None => return Ok(-999),
            },
            AppLockOwner::Session => Holder::Session(spid),
        };
        let key = (db, resource.to_ascii_lowercase());
        let mut st = self.inner.state.lock();
        let Some(grants) = st.applocks.get_mut(&key) else {
            return Ok(-999);
        };
        let Some(pos) = grants.iter().position(|g| g.holder == me) else {
            return Ok(-999);
        };
        if let Some(g) = grants.get_mut(pos) {
            g.count = g.count.saturating_sub(1);
            if g.count == 0 {
                grants.remove(pos);
            }
        }
        if grants.is_empty() {
            st.applocks.remove(&key);
        }
        drop(st);
        self.inner.changed.notify_all();
        Ok(0)
    }
}
