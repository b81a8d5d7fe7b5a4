//! The HTTP side of `sbroker serve --http ADDR`: a dashboard for people (`/`), Prometheus
//! metrics for monitoring (`/metrics`) and the same numbers as JSON (`/api/status`).
//!
//! Everything shown is read from the engine state under its lock in one snapshot, so the
//! numbers of one response agree with each other. Read-only: nothing here changes state.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sbroker_engine::Instance;
use serde_json::json;

use crate::Stats;

/// One queue in a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueStatus {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// STATUS = ON.
    pub enabled: bool,
    /// Activation on, its procedure and MAX_QUEUE_READERS.
    pub activation: Option<(String, i16)>,
    /// Rows in the queue.
    pub messages: usize,
    /// Rows ready to be received (status 1).
    pub ready: u64,
}

/// One database in a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseStatus {
    /// Name.
    pub name: String,
    /// is_broker_enabled.
    pub broker_enabled: bool,
    /// Queues.
    pub queues: Vec<QueueStatus>,
    /// Conversation endpoints by state description.
    pub conversations: BTreeMap<String, usize>,
    /// Rows in sys.transmission_queue.
    pub transmission_queue: usize,
    /// Services.
    pub services: usize,
}

/// A consistent snapshot of the instance.
pub fn snapshot(instance: &Instance) -> Vec<DatabaseStatus> {
    instance.with_state(|st| {
        st.dbs
            .values()
            .map(|d| {
                let queues = d
                    .queues
                    .values()
                    .map(|q| {
                        let data = d.qdata.get(&q.id);
                        QueueStatus {
                            schema: q.schema.clone(),
                            name: q.name.clone(),
                            enabled: q.enabled,
                            activation: q.activation.enabled.then(|| {
                                (
                                    q.activation.procedure.clone().unwrap_or_default(),
                                    q.activation.max_readers,
                                )
                            }),
                            messages: data.map_or(0, |x| x.msgs.len()),
                            ready: data.map_or(0, |x| {
                                x.ready_by_priority.iter().map(|n| u64::from(*n)).sum()
                            }),
                        }
                    })
                    .collect();
                let mut conversations = BTreeMap::new();
                for e in d.endpoints.values() {
                    *conversations.entry(e.state.desc().to_string()).or_insert(0) += 1;
                }
                DatabaseStatus {
                    name: d.rec.name.clone(),
                    broker_enabled: d.rec.broker_enabled,
                    queues,
                    conversations,
                    transmission_queue: d.txq.len(),
                    services: d.services.len(),
                }
            })
            .collect()
    })
}

fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A per-queue gauge: metric name, help text, value.
type QueueGauge = (&'static str, &'static str, fn(&QueueStatus) -> u64);

/// Prometheus text exposition format (version 0.0.4).
pub fn metrics_text(dbs: &[DatabaseStatus], stats: &Stats) -> String {
    let mut out = String::new();
    let (open, total, requests) = stats.read();
    let _ = writeln!(out, "# HELP sbroker_tds_connections Open TDS connections.");
    let _ = writeln!(out, "# TYPE sbroker_tds_connections gauge");
    let _ = writeln!(out, "sbroker_tds_connections {open}");
    let _ = writeln!(
        out,
        "# HELP sbroker_tds_connections_total TDS connections accepted."
    );
    let _ = writeln!(out, "# TYPE sbroker_tds_connections_total counter");
    let _ = writeln!(out, "sbroker_tds_connections_total {total}");
    let _ = writeln!(
        out,
        "# HELP sbroker_tds_requests_total TDS requests served."
    );
    let _ = writeln!(out, "# TYPE sbroker_tds_requests_total counter");
    let _ = writeln!(out, "sbroker_tds_requests_total {requests}");
    let per_queue: [QueueGauge; 2] = [
        ("sbroker_queue_messages", "Rows in a service queue.", |q| {
            q.messages as u64
        }),
        (
            "sbroker_queue_ready_messages",
            "Rows ready to be received.",
            |q| q.ready,
        ),
    ];
    for (name, help, value) in per_queue {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for d in dbs {
            for q in &d.queues {
                let _ = writeln!(
                    out,
                    "{name}{{database=\"{}\",queue=\"{}.{}\"}} {}",
                    label(&d.name),
                    label(&q.schema),
                    label(&q.name),
                    value(q)
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "# HELP sbroker_transmission_queue_messages Rows in sys.transmission_queue."
    );
    let _ = writeln!(out, "# TYPE sbroker_transmission_queue_messages gauge");
    for d in dbs {
        let _ = writeln!(
            out,
            "sbroker_transmission_queue_messages{{database=\"{}\"}} {}",
            label(&d.name),
            d.transmission_queue
        );
    }
    let _ = writeln!(
        out,
        "# HELP sbroker_conversation_endpoints Conversation endpoints by state."
    );
    let _ = writeln!(out, "# TYPE sbroker_conversation_endpoints gauge");
    for d in dbs {
        for (state, n) in &d.conversations {
            let _ = writeln!(
                out,
                "sbroker_conversation_endpoints{{database=\"{}\",state=\"{}\"}} {n}",
                label(&d.name),
                label(state)
            );
        }
    }
    out
}

/// The snapshot as JSON.
pub fn status_json(dbs: &[DatabaseStatus], stats: &Stats) -> serde_json::Value {
    let (open, total, requests) = stats.read();
    json!({
        "tds": {"connections": open, "connections_total": total, "requests_total": requests},
        "databases": dbs.iter().map(|d| json!({
            "name": d.name,
            "broker_enabled": d.broker_enabled,
            "services": d.services,
            "transmission_queue": d.transmission_queue,
            "conversations": d.conversations,
            "queues": d.queues.iter().map(|q| json!({
                "schema": q.schema,
                "name": q.name,
                "enabled": q.enabled,
                "activation_procedure": q.activation.as_ref().map(|a| a.0.clone()),
                "max_queue_readers": q.activation.as_ref().map(|a| a.1),
                "messages": q.messages,
                "ready": q.ready,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The dashboard page: one table of queues, one of databases.
pub fn dashboard_html(dbs: &[DatabaseStatus], stats: &Stats) -> String {
    let (open, total, requests) = stats.read();
    let mut h = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>sbroker</title>\
         <meta http-equiv=\"refresh\" content=\"5\">\
         <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}\
         td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}th{background:#eee}\
         td.n{text-align:right}</style></head><body><h1>sbroker</h1>",
    );
    let _ = write!(
        h,
        "<p>TDS connections: {open} open, {total} accepted, {requests} requests served.</p>"
    );
    h.push_str(
        "<h2>Databases</h2><table><tr><th>database</th><th>broker</th><th>services</th>\
         <th>conversations</th><th>transmission queue</th></tr>",
    );
    for d in dbs {
        let convs: Vec<String> = d
            .conversations
            .iter()
            .map(|(s, n)| format!("{} {n}", html_escape(s)))
            .collect();
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            html_escape(&d.name),
            if d.broker_enabled {
                "enabled"
            } else {
                "disabled"
            },
            d.services,
            convs.join(", "),
            d.transmission_queue
        );
    }
    h.push_str(
        "</table><h2>Queues</h2><table><tr><th>database</th><th>queue</th><th>status</th>\
         <th>activation</th><th>messages</th><th>ready</th></tr>",
    );
    for d in dbs {
        for q in &d.queues {
            let act = q.activation.as_ref().map_or_else(
                || "off".to_string(),
                |(p, n)| format!("{} (max {n})", html_escape(p)),
            );
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}.{}</td><td>{}</td><td>{act}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                html_escape(&d.name),
                html_escape(&q.schema),
                html_escape(&q.name),
                if q.enabled { "ON" } else { "OFF" },
                q.messages,
                q.ready
            );
        }
    }
    h.push_str("</table><p><a href=\"/metrics\">/metrics</a> · <a href=\"/api/status\">/api/status</a></p></body></html>");
    h
}

fn content_type(value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(&b"Content-Type"[..], value.as_bytes()).ok()
}

/// Serves HTTP on `server` until `shutdown` is set.
pub fn run_http(
    server: tiny_http::Server,
    instance: Instance,
    stats: Arc<Stats>,
    shutdown: Arc<AtomicBool>,
) {
    while !shutdown.load(Ordering::SeqCst) {
        let req = match server.recv_timeout(Duration::from_millis(200)) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(_) => break,
        };
        if *req.method() != tiny_http::Method::Get {
            let _ = req.respond(tiny_http::Response::from_string("GET only").with_status_code(405));
            continue;
        }
        let path = req.url().split('?').next().unwrap_or("/").to_string();
        let dbs = snapshot(&instance);
        let (body, ctype, code) = match path.as_str() {
            "/" => (
                dashboard_html(&dbs, &stats),
                "text/html; charset=utf-8",
                200,
            ),
            "/metrics" => (
                metrics_text(&dbs, &stats),
                "text/plain; version=0.0.4; charset=utf-8",
                200,
            ),
            "/api/status" => (
                status_json(&dbs, &stats).to_string(),
                "application/json",
                200,
            ),
            _ => ("not found\n".to_string(), "text/plain; charset=utf-8", 404),
        };
        let mut resp = tiny_http::Response::from_string(body).with_status_code(code);
        if let Some(h) = content_type(ctype) {
            resp = resp.with_header(h);
        }
        let _ = req.respond(resp);
    }
}
