//! `sbroker serve`: an instance served over TDS.

use std::net::TcpListener;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use sbroker_server::{Auth, ServerConfig, Stats, TlsSetup};

pub fn serve(
    data: &Path,
    listen: &str,
    http: Option<&str>,
    sa_password: Option<String>,
) -> ExitCode {
    let password = sa_password.or_else(|| {
        std::env::var("SBROKER_SA_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty())
    });
    let listener = match TcpListener::bind(listen) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("sbroker: cannot listen on {listen}: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(addr) = listener.local_addr() else {
        eprintln!("sbroker: cannot read the listening address");
        return ExitCode::from(2);
    };
    let auth = match password {
        Some(p) => Auth::SaPassword(p),
        None => {
            if !sbroker_server::trust_allowed(&addr) {
                eprintln!(
                    "sbroker: refusing to listen on {addr} without --sa-password: trust mode (any login accepted as sa) is for loopback addresses only"
                );
                return ExitCode::from(2);
            }
            Auth::Trust
        }
    };
    let instance = match crate::open_instance(data) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let shutdown = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(Stats::default());
    if let Some(http_addr) = http {
        let server = match tiny_http::Server::http(http_addr) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("sbroker: cannot listen for HTTP on {http_addr}: {e}");
                return ExitCode::from(2);
            }
        };
        let bound = server.server_addr().to_ip();
        if auth == Auth::Trust && !bound.is_some_and(|a| sbroker_server::trust_allowed(&a)) {
            eprintln!(
                "sbroker: refusing to serve HTTP on {http_addr} without --sa-password: trust mode is for loopback addresses only"
            );
            return ExitCode::from(2);
        }
        if let Some(a) = bound {
            eprintln!("sbroker: dashboard and metrics on http://{a}/");
        }
        let (inst, st, stop) = (instance.clone(), Arc::clone(&stats), Arc::clone(&shutdown));
        std::thread::spawn(move || sbroker_server::http::run_http(server, inst, st, stop));
    }
    if auth == Auth::Trust {
        eprintln!(
            "sbroker: trust mode: any login name is accepted as sa (set --sa-password or SBROKER_SA_PASSWORD to require SQL authentication)"
        );
    }
    // Like SQL Server without a configured certificate: a self-signed one made at startup,
    // for clients that ask for encryption.
    let mut config = ServerConfig::default_with(auth);
    match TlsSetup::self_signed() {
        Ok(t) => {
            // Written for clients that pin the certificate (TDS 8 strict mode verifies it:
            // ODBC `Encrypt=strict;ServerCertificate=<this file>`).
            let cer = data.join("tds-certificate.cer");
            match std::fs::write(&cer, &t.cert_der) {
                Ok(()) => eprintln!(
                    "sbroker: TLS certificate (self-signed) in {}",
                    cer.display()
                ),
                Err(e) => eprintln!("sbroker: cannot write {}: {e}", cer.display()),
            }
            config.tls = Some(t);
        }
        Err(e) => eprintln!("sbroker: TLS unavailable ({e}); clients must not require encryption"),
    }
    // Service Broker between instances: the endpoint's listener and the sender.
    {
        let (inst, stop) = (instance.clone(), Arc::clone(&shutdown));
        std::thread::spawn(move || sbroker_transport::run(inst, stop));
    }
    // The listening line is the one tests and scripts wait for (port 0 picks a port); the
    // certificate file is written before it.
    eprintln!("sbroker: listening for TDS on {addr}");
    match sbroker_server::run_with_stats(listener, instance, config, shutdown, stats) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sbroker: {e}");
            ExitCode::from(2)
        }
    }
}
