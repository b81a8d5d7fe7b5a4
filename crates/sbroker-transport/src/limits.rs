//! Every limit and timeout of the transport, with its unit in its name or type.

use std::time::Duration;

/// How often the endpoint's state and the transmission queues are looked at.
pub const POLL: Duration = Duration::from_millis(100);
/// The whole handshake (OPEN to HANDSHAKE) of a link must finish within this.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connecting to a far address.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// One write to a peer.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// An inbound link with no frame for this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// An outbound link with nothing to send for this long is closed (opened again on
/// demand, spec 06 §1).
pub const LINK_IDLE_CLOSE: Duration = Duration::from_secs(60);
/// Messages in flight (sent, not yet acknowledged) on one link.
pub const WINDOW_MESSAGES_MAX: usize = 2048;
/// Body bytes put in flight in one fill of the window.
pub const WINDOW_BYTES_MAX: usize = 16 * 1024 * 1024;
/// A link whose peer answers nothing for this long while messages are in flight is
/// closed and opened again.
pub const ACK_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a receiver keeps a batch open for more frames after its first one.
pub const BATCH_GATHER: Duration = Duration::from_millis(1);
/// The limits a deployment (or a test) may change; the rest are constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// A link with messages in flight and no answer for this long is closed and opened
    /// again (a peer that stalls, or a connection that went half-open).
    pub ack_timeout: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            ack_timeout: ACK_TIMEOUT,
        }
    }
}

/// Messages the receiver takes in one commit.
pub const BATCH_MESSAGES_MAX: usize = 1024;
/// Bytes of partially received (fragmented) messages one inbound link may hold.
pub const PARTIAL_BYTES_MAX: usize = 256 * 1024 * 1024;
/// Inbound links at once (authenticated or not); more are refused at accept.
pub const INBOUND_LINKS_MAX: usize = 64;
/// Outbound links (far addresses served) at once.
pub const OUTBOUND_LINKS_MAX: usize = 256;
/// First and longest wait before connecting again after a failure.
pub const RETRY_DELAY_MIN: Duration = Duration::from_millis(250);
/// See [`RETRY_DELAY_MIN`].
pub const RETRY_DELAY_MAX: Duration = Duration::from_secs(4);
/// A dialog whose message the peer refused for now waits this long before it is sent
/// again.
pub const HOLD_AFTER_REFUSAL: Duration = Duration::from_secs(1);
/// A dialog that cannot be sent without dialog security is looked at again after this.
pub const HOLD_UNSECURED: Duration = Duration::from_secs(5);
/// How often an inbound link looks for answers relayed by the forwarder while it waits
/// for some.
pub const FORWARD_POLL: Duration = Duration::from_millis(5);
/// A message waits in the forwarding buffer at most this long; then its sender is told.
pub const FORWARD_TIME_MAX: Duration = Duration::from_secs(60);
/// Rows whose status a connection failure updates at once.
pub const STATUS_ROWS_MAX: usize = 1000;
