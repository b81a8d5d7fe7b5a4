//! Routing (spec 06 §3): which routes match a conversation's far service and broker
//! instance, where a message goes inside the instance (LOCAL), and which network address
//! takes it when it leaves.

use uuid::Uuid;

use crate::records::*;
use crate::state::State;

pub(crate) fn guid_eq(a: &str, b: &Uuid) -> bool {
    Uuid::parse_str(a.trim().trim_start_matches('{').trim_end_matches('}')).is_ok_and(|u| u == *b)
}

/// Text of transmission_status when no route matches (9750).
pub(crate) const NO_ROUTE: &str = "No route matches the destination service name for this conversation. Create a route to the destination service name for messages in this conversation to be delivered.";
/// Text when the route leads to the network, which this instance does not speak yet (9666).
pub(crate) const NO_TRANSPORT: &str =
    "The Service Broker protocol transport is disabled or not configured.";

/// The database holding service `name` (exact), optionally with a given broker instance:
/// the sending database first, then the others; disabled brokers are invisible.
pub(crate) fn find_local_service(
    st: &State,
    db: i32,
    name: &str,
    instance: Option<&str>,
) -> Option<(i32, i32)> {
    let mut order: Vec<i32> = vec![db];
    order.extend(st.dbs.keys().copied().filter(|d| *d != db));
    order.into_iter().find_map(|cand| {
        let d = st.db(cand)?;
        if let Some(bi) = instance
            && !guid_eq(bi, &d.rec.broker_guid)
        {
            return None;
        }
        if !d.rec.broker_enabled {
            return None;
        }
        d.service_by_name(name).map(|s| (cand, s.id))
    })
}

/// What routing looks for: the far service, the broker instance when known, and the
/// conversation (which picks among equal routes, so a conversation keeps its choice).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteKey<'a> {
    pub(crate) service: &'a str,
    pub(crate) broker: Option<&'a str>,
    pub(crate) conversation: Uuid,
}

impl<'a> RouteKey<'a> {
    pub(crate) fn of(from: &'a EndpointRec) -> Self {
        Self {
            service: from.far_service.as_str(),
            broker: from.far_broker_instance.as_deref(),
            conversation: from.conversation_id,
        }
    }

    /// One of `n` candidates, the same for every message of the conversation.
    fn pick(&self, n: usize) -> usize {
        (self.conversation.as_u128() % n.max(1) as u128) as usize
    }
}

/// Finds where a message from `from` goes (spec 06 §3): classification over the sending
/// database's routes, then the LOCAL choice. `Err(text)` when it must wait.
pub(crate) fn locate_target(
    st: &State,
    db: i32,
    now: Ts,
    from: &EndpointRec,
) -> Result<(i32, i32), String> {
    let key = RouteKey::of(from);
    let (s, b) = (key.service, key.broker);
    let matches = matching_routes(st, db, now, &key);
    if matches.is_empty() {
        if b.is_some()
            && let Some(t) = find_local_service(st, db, s, b)
        {
            return Ok(t);
        }
        return Err(NO_ROUTE.into());
    }
    // Choice: LOCAL when the service exists in this instance, else the network.
    if let Some(local) = matches
        .iter()
        .find(|r| r.address.eq_ignore_ascii_case("LOCAL"))
    {
        let instance = b.or(local.broker_instance.as_deref());
        if let Some(t) = find_local_service(st, db, s, instance) {
            return Ok(t);
        }
        if matches
            .iter()
            .all(|r| r.address.eq_ignore_ascii_case("LOCAL"))
        {
            let disabled = st
                .dbs
                .values()
                .any(|x| !x.rec.broker_enabled && x.service_by_name(s).is_some());
            return Err(if disabled {
                "The broker is disabled in the target database. (28013)".into()
            } else {
                TARGET_NOT_FOUND.into()
            });
        }
    }
    Err(NO_TRANSPORT.into())
}

/// The target service is not in this instance.
pub(crate) const TARGET_NOT_FOUND: &str = "The target service name could not be found. Ensure that the service name is specified correctly and/or the routing information has been supplied.";

/// The TCP address among `matches` for `key` (spec 06 §3.5 step 3: several TCP routes
/// balance the load by conversation).
fn tcp_address(matches: &[&RouteRec], key: &RouteKey<'_>) -> Option<String> {
    let tcp: Vec<&&RouteRec> = matches
        .iter()
        .filter(|r| r.address.to_ascii_uppercase().starts_with("TCP://"))
        .collect();
    tcp.get(key.pick(tcp.len())).map(|r| r.address.clone())
}

/// The network address a message from `from` goes to: when routing leads off the instance
/// (spec 06 §3.5), one of the matching TCP routes, the same one for every message of a
/// conversation.
pub(crate) fn remote_address(st: &State, db: i32, now: Ts, from: &EndpointRec) -> Option<String> {
    if locate_target(st, db, now, from) != Err(NO_TRANSPORT.to_string()) {
        return None;
    }
    let key = RouteKey::of(from);
    tcp_address(&matching_routes(st, db, now, &key), &key)
}

/// Where a message that arrived from another instance, for a conversation with no endpoint
/// here, goes (spec 06 §3.2: classified with msdb's routes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inbound {
    /// To a service of this instance: (database, service id).
    Local(i32, i32),
    /// On to another instance (forwarding is enabled).
    Forward(String),
    /// Nowhere now: the sender keeps the message and tries again; the text says why.
    Drop(String),
}

/// Classifies an arriving message with msdb.sys.routes (spec 06 §3.2, §3.5, §5).
pub(crate) fn route_inbound(st: &State, now: Ts, key: &RouteKey<'_>, forwarding: bool) -> Inbound {
    let msdb = crate::instance::MSDB_DB;
    let (s, b) = (key.service, key.broker);
    let matches = matching_routes(st, msdb, now, key);
    if let Some(local) = matches
        .iter()
        .find(|r| r.address.eq_ignore_ascii_case("LOCAL"))
        && let Some(t) = find_local_service(st, msdb, s, b.or(local.broker_instance.as_deref()))
    {
        return Inbound::Local(t.0, t.1);
    }
    if matches.is_empty()
        && b.is_some()
        && let Some(t) = find_local_service(st, msdb, s, b)
    {
        return Inbound::Local(t.0, t.1);
    }
    if let Some(address) = tcp_address(&matches, key) {
        return if forwarding {
            Inbound::Forward(address)
        } else {
            Inbound::Drop(format!(
                "The message was dropped by the receiving instance: it is for service '{s}', which routes elsewhere, and message forwarding is disabled there. (9792)"
            ))
        };
    }
    if matches.is_empty() {
        Inbound::Drop(format!(
            "The message was dropped by the receiving instance: no route in its msdb matches service '{s}'."
        ))
    } else {
        Inbound::Drop(TARGET_NOT_FOUND.into())
    }
}

/// The routes of database `db` that match `key`, by the classification steps of spec 06
/// §3.3; expired routes are ignored.
pub(crate) fn matching_routes<'a>(
    st: &'a State,
    db: i32,
    now: Ts,
    key: &RouteKey<'_>,
) -> Vec<&'a RouteRec> {
    let Some(d) = st.db(db) else {
        return Vec::new();
    };
    let (s, b) = (key.service, key.broker);
    let live: Vec<&RouteRec> = d
        .routes
        .values()
        .filter(|r| r.lifetime.is_none_or(|t| t > now))
        .collect();
    let step = |f: &dyn Fn(&RouteRec) -> bool| -> Vec<&RouteRec> {
        live.iter().copied().filter(|r| f(r)).collect()
    };
    let mut matches = Vec::new();
    if let Some(bi) = b {
        matches = step(&|r| {
            r.service_name.as_deref() == Some(s)
                && r.broker_instance
                    .as_deref()
                    .is_some_and(|x| guid_text_eq(x, bi))
        });
    }
    if matches.is_empty() {
        matches = step(&|r| r.service_name.as_deref() == Some(s) && r.broker_instance.is_none());
    }
    if matches.is_empty() && b.is_none() {
        // Step 3: routes for S with some broker instance; when several instances appear,
        // one is chosen per conversation (the spec says arbitrarily), which spreads
        // conversations over them (F-RT-10).
        let with_instance =
            step(&|r| r.service_name.as_deref() == Some(s) && r.broker_instance.is_some());
        let mut instances: Vec<String> = with_instance
            .iter()
            .filter_map(|r| r.broker_instance.as_deref())
            .map(|x| {
                x.trim()
                    .trim_matches(|c| c == '{' || c == '}')
                    .to_ascii_lowercase()
            })
            .collect();
        instances.sort();
        instances.dedup();
        if let Some(chosen) = instances.get(key.pick(instances.len())) {
            matches = with_instance
                .into_iter()
                .filter(|r| {
                    r.broker_instance
                        .as_deref()
                        .is_some_and(|x| guid_text_eq(x, chosen))
                })
                .collect();
        }
    }
    if matches.is_empty() {
        matches = step(&|r| r.service_name.is_none() && r.broker_instance.is_none());
    }
    matches
}

pub(crate) fn guid_text_eq(a: &str, b: &str) -> bool {
    let norm = |x: &str| {
        x.trim()
            .trim_start_matches('{')
            .trim_end_matches('}')
            .to_ascii_lowercase()
    };
    norm(a) == norm(b)
}
