//! A server for integration tests: a fresh instance in a temporary directory, served on an
//! ephemeral port of 127.0.0.1 by a thread, stopped when the handle is dropped.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sbroker_engine::Instance;
use sbroker_server::ServerConfig;

pub struct Server {
    pub port: u16,
    shutdown: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }
}

pub fn start_with(config: ServerConfig) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let instance = Instance::open(dir.path()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let shutdown = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&shutdown);
    std::thread::spawn(move || {
        sbroker_server::run(listener, instance, config, stop).unwrap();
    });
    Server {
        port,
        shutdown,
        _dir: dir,
    }
}
