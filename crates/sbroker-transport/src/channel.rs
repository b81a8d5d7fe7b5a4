//! One link's byte stream: clear-text OPEN/ACCEPT, then TLS (authentication, and
//! encryption when negotiated), or — when the two endpoints negotiate no encryption — a
//! clear stream in which every frame carries an HMAC-SHA256 tag keyed from the TLS
//! session (RFC 5705 exporter), so that a link without encryption is still authenticated
//! frame by frame and a replayed or injected frame is refused.
//!
//! TLS is driven record by record (rustls is given one complete record at a time): after
//! both sides' close_notify the remaining bytes are the clear stream, and rustls must not
//! have swallowed any of them.
//!
//! Every buffer is bounded and every wait has a deadline.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use aws_lc_rs::{constant_time, hmac};
use sbroker_broker_wire::{self as wire, Frame, Limits, WireError};

use crate::network::Conn;

/// Bytes read from the socket but not yet used, at most (a full frame, its TLS records and
/// a tag, with room to spare).
const RAW_IN_BYTES_MAX: usize = 2 * 1024 * 1024;
/// Length of a frame's tag on a link without encryption.
const TAG_BYTES: usize = 32;
/// Largest TLS record we accept (TLS 1.3 ciphertext: 2^14 + 256).
const TLS_RECORD_BYTES_MAX: usize = 16_384 + 256;
/// Exporter label of the per-frame MAC keys.
const MAC_LABEL: &[u8] = b"EXPORTER-sbroker-broker-link-mac";

/// Why a link ended.
#[derive(Debug)]
pub enum LinkError {
    /// The socket failed or closed.
    Io(io::Error),
    /// The peer sent bytes that are not the protocol.
    Wire(WireError),
    /// TLS failed (handshake, bad record).
    Tls(String),
    /// A frame's tag did not match.
    Tag,
    /// The peer ended the link with a reason.
    Refused(String),
    /// A wait ran out.
    Timeout(&'static str),
    /// The peer broke the protocol's order.
    Protocol(String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Io(e) => write!(f, "An error occurred while receiving data: '{e}'."),
            LinkError::Wire(e) => write!(f, "The peer sent a malformed frame: {e}."),
            LinkError::Tls(e) => write!(f, "Connection handshake failed. TLS: {e}."),
            LinkError::Tag => f.write_str("A frame failed its integrity check."),
            LinkError::Refused(t) => f.write_str(t),
            LinkError::Timeout(w) => write!(f, "The peer did not answer in time ({w})."),
            LinkError::Protocol(t) => write!(f, "Protocol error: {t}."),
        }
    }
}

impl From<io::Error> for LinkError {
    fn from(e: io::Error) -> Self {
        LinkError::Io(e)
    }
}

impl From<WireError> for LinkError {
    fn from(e: WireError) -> Self {
        LinkError::Wire(e)
    }
}

struct Mac {
    send: hmac::Key,
    recv: hmac::Key,
    sent: u64,
    received: u64,
}

fn tag(key: &hmac::Key, counter: u64, frame: &[u8]) -> hmac::Tag {
    let mut ctx = hmac::Context::with_key(key);
    ctx.update(&counter.to_be_bytes());
    ctx.update(frame);
    ctx.sign()
}

enum Mode {
    /// Before TLS: OPEN / ACCEPT / ERROR only.
    Clear,
    /// Inside TLS.
    Tls,
    /// TLS closed after authentication; frames with tags.
    Tagged(Box<Mac>),
}

/// A link's stream.
pub struct Channel {
    conn: Box<dyn Conn>,
    tls: Option<rustls::Connection>,
    mode: Mode,
    raw_in: Vec<u8>,
    plain_in: Vec<u8>,
    peer_closed_tls: bool,
    limits: Limits,
    /// Bytes written to the socket.
    pub bytes_sent: u64,
    /// Bytes read from the socket.
    pub bytes_received: u64,
    /// Frames sent.
    pub frames_sent: u64,
    /// Frames received.
    pub frames_received: u64,
}

impl Channel {
    /// A channel over `conn`, in clear text until [`Channel::start_tls`].
    pub fn new(conn: Box<dyn Conn>) -> Self {
        Self {
            conn,
            tls: None,
            mode: Mode::Clear,
            raw_in: Vec::new(),
            plain_in: Vec::new(),
            peer_closed_tls: false,
            limits: Limits::default(),
            bytes_sent: 0,
            bytes_received: 0,
            frames_sent: 0,
            frames_received: 0,
        }
    }

    /// The peer's address.
    pub fn peer(&self) -> String {
        self.conn.peer()
    }

    /// The link is encrypted (TLS carries the frames).
    pub fn encrypted(&self) -> bool {
        matches!(self.mode, Mode::Tls)
    }

    /// The certificate the peer proved in the TLS handshake.
    pub fn peer_certificate(&self) -> Option<Vec<u8>> {
        self.tls
            .as_ref()?
            .peer_certificates()?
            .first()
            .map(|c| c.to_vec())
    }

    /// Closes the socket.
    pub fn close(&self) {
        self.conn.close();
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        self.conn.write_all(bytes)?;
        self.bytes_sent += bytes.len() as u64;
        Ok(())
    }

    /// Reads what the socket has, waiting until `deadline`; false when nothing came.
    fn fill(&mut self, deadline: Instant) -> Result<bool, LinkError> {
        let now = Instant::now();
        if now >= deadline {
            return Ok(false);
        }
        if self.raw_in.len() >= RAW_IN_BYTES_MAX {
            return Err(LinkError::Protocol("input buffer full".into()));
        }
        let wait = (deadline - now).max(Duration::from_millis(1));
        self.conn.set_read_timeout(Some(wait))?;
        let mut buf = [0u8; 64 * 1024];
        let room = (RAW_IN_BYTES_MAX - self.raw_in.len()).min(buf.len());
        match self.conn.read(&mut buf[..room]) {
            Ok(0) => Err(LinkError::Io(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the peer closed the connection",
            ))),
            Ok(n) => {
                self.raw_in.extend_from_slice(&buf[..n]);
                self.bytes_received += n as u64;
                Ok(true)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn flush_tls(&mut self) -> Result<(), LinkError> {
        let Some(tls) = self.tls.as_mut() else {
            return Ok(());
        };
        let mut out = Vec::new();
        while tls.wants_write() {
            tls.write_tls(&mut out)?;
        }
        if !out.is_empty() {
            self.write_raw(&out)?;
        }
        Ok(())
    }

    /// Gives rustls the complete records in `raw_in`, one at a time, and collects the
    /// plaintext; stops after the peer's close_notify.
    fn pump_tls(&mut self) -> Result<(), LinkError> {
        let Some(tls) = self.tls.as_mut() else {
            return Ok(());
        };
        while !self.peer_closed_tls && self.raw_in.len() >= 5 {
            let len = usize::from(u16::from_be_bytes([self.raw_in[3], self.raw_in[4]]));
            if len > TLS_RECORD_BYTES_MAX {
                return Err(LinkError::Tls("record too long".into()));
            }
            if self.raw_in.len() < 5 + len {
                break;
            }
            // read_tls may take only part of the slice (its buffer has room for less):
            // feed the record until all of it is in, processing in between.
            let mut record = &self.raw_in[..5 + len];
            while !record.is_empty() {
                if tls.read_tls(&mut record)? == 0 {
                    return Err(LinkError::Tls("TLS took no bytes".into()));
                }
                let state = match tls.process_new_packets() {
                    Ok(s) => s,
                    Err(e) => {
                        // Send the alert before giving up, so the peer learns why.
                        let mut out = Vec::new();
                        while tls.wants_write() {
                            if tls.write_tls(&mut out).is_err() {
                                break;
                            }
                        }
                        let _ = self.conn.write_all(&out);
                        return Err(LinkError::Tls(e.to_string()));
                    }
                };
                let n = state.plaintext_bytes_to_read();
                if n > 0 {
                    let at = self.plain_in.len();
                    self.plain_in.resize(at + n, 0);
                    tls.reader().read_exact(&mut self.plain_in[at..])?;
                }
                if state.peer_has_closed() {
                    self.peer_closed_tls = true;
                }
            }
            self.raw_in.drain(..5 + len);
        }
        Ok(())
    }

    /// Runs the TLS handshake as client or server until it completes or `deadline`.
    pub fn start_tls(
        &mut self,
        tls: rustls::Connection,
        deadline: Instant,
    ) -> Result<(), LinkError> {
        self.tls = Some(tls);
        self.mode = Mode::Tls;
        loop {
            self.flush_tls()?;
            if !self.tls.as_ref().is_some_and(|t| t.is_handshaking()) {
                break;
            }
            if !self.fill(deadline)? && Instant::now() >= deadline {
                return Err(LinkError::Timeout("TLS handshake"));
            }
            self.pump_tls()?;
        }
        self.flush_tls()
    }

    /// Leaves TLS for a clear, tagged stream (negotiated ENCRYPTION = DISABLED on one
    /// side). Both sides call it right after the HANDSHAKE frames, before any other frame.
    pub fn to_tagged(&mut self, is_client: bool, deadline: Instant) -> Result<(), LinkError> {
        let tls = self
            .tls
            .as_mut()
            .ok_or_else(|| LinkError::Protocol("no TLS session".into()))?;
        let mut keys = [0u8; 64];
        tls.export_keying_material(&mut keys, MAC_LABEL, None)
            .map_err(|e| LinkError::Tls(e.to_string()))?;
        let (c2s, s2c) = keys.split_at(32);
        let (send, recv) = if is_client { (c2s, s2c) } else { (s2c, c2s) };
        tls.send_close_notify();
        self.flush_tls()?;
        while !self.peer_closed_tls {
            if !self.plain_in.is_empty() {
                return Err(LinkError::Protocol(
                    "a frame before the switch to clear".into(),
                ));
            }
            if !self.fill(deadline)? && Instant::now() >= deadline {
                return Err(LinkError::Timeout("switch to a clear link"));
            }
            self.pump_tls()?;
        }
        if !self.plain_in.is_empty() {
            return Err(LinkError::Protocol(
                "a frame before the switch to clear".into(),
            ));
        }
        self.mode = Mode::Tagged(Box::new(Mac {
            send: hmac::Key::new(hmac::HMAC_SHA256, send),
            recv: hmac::Key::new(hmac::HMAC_SHA256, recv),
            sent: 0,
            received: 0,
        }));
        Ok(())
    }

    /// Sends frames in one write.
    pub fn send(&mut self, frames: &[Frame]) -> Result<(), LinkError> {
        self.frames_sent += frames.len() as u64;
        let mut bytes = Vec::new();
        for f in frames {
            let start = bytes.len();
            f.encode_into(&mut bytes);
            if let Mode::Tagged(mac) = &mut self.mode {
                let t = tag(&mac.send, mac.sent, &bytes[start..]);
                mac.sent += 1;
                bytes.extend_from_slice(t.as_ref());
            }
        }
        match self.mode {
            Mode::Tls => {
                // rustls takes plaintext up to its buffer limit at a time (a write of 0
                // means full): hand it over in turns, sending the records in between.
                let mut rest = bytes.as_slice();
                while !rest.is_empty() {
                    let tls = self
                        .tls
                        .as_mut()
                        .ok_or_else(|| LinkError::Protocol("no TLS session".into()))?;
                    let n = tls.writer().write(rest)?;
                    rest = &rest[n..];
                    self.flush_tls()?;
                }
                Ok(())
            }
            Mode::Clear | Mode::Tagged(_) => self.write_raw(&bytes),
        }
    }

    /// A frame already received, if there is one.
    pub fn try_recv(&mut self) -> Result<Option<Frame>, LinkError> {
        let f = self.decode_next()?;
        if f.is_some() {
            self.frames_received += 1;
        }
        Ok(f)
    }

    fn decode_next(&mut self) -> Result<Option<Frame>, LinkError> {
        match &mut self.mode {
            Mode::Tls => {
                let Some((f, used)) = wire::decode(&self.plain_in, &self.limits)? else {
                    if self.peer_closed_tls {
                        return Err(LinkError::Io(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the peer closed the link",
                        )));
                    }
                    return Ok(None);
                };
                self.plain_in.drain(..used);
                Ok(Some(f))
            }
            Mode::Clear => {
                let Some((f, used)) = wire::decode(&self.raw_in, &self.limits)? else {
                    return Ok(None);
                };
                self.raw_in.drain(..used);
                Ok(Some(f))
            }
            Mode::Tagged(mac) => {
                // Header first (magic, version, limit), then the tag over the whole frame,
                // then the payload is decoded: nothing untagged is ever interpreted.
                if self.raw_in.len() < wire::HEADER_BYTES {
                    wire::decode(&self.raw_in, &self.limits)?;
                    return Ok(None);
                }
                let h = wire::header::read(&self.raw_in, self.limits.payload_bytes_max)?;
                let total = wire::HEADER_BYTES + h.length as usize;
                if self.raw_in.len() < total + TAG_BYTES {
                    return Ok(None);
                }
                let want = tag(&mac.recv, mac.received, &self.raw_in[..total]);
                if constant_time::verify_slices_are_equal(
                    want.as_ref(),
                    &self.raw_in[total..total + TAG_BYTES],
                )
                .is_err()
                {
                    return Err(LinkError::Tag);
                }
                mac.received += 1;
                let (f, used) = wire::decode(&self.raw_in[..total], &self.limits)?
                    .ok_or_else(|| LinkError::Protocol("frame shorter than its header".into()))?;
                debug_assert_eq!(used, total);
                self.raw_in.drain(..total + TAG_BYTES);
                Ok(Some(f))
            }
        }
    }

    /// The next frame, waiting until `deadline`; `None` when none came in time.
    pub fn recv(&mut self, deadline: Instant) -> Result<Option<Frame>, LinkError> {
        loop {
            if matches!(self.mode, Mode::Tls) {
                self.pump_tls()?;
            }
            if let Some(f) = self.try_recv()? {
                return Ok(Some(f));
            }
            if !self.fill(deadline)? && Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    /// The next frame, which must come before `deadline`.
    pub fn expect(&mut self, deadline: Instant, what: &'static str) -> Result<Frame, LinkError> {
        match self.recv(deadline)? {
            Some(Frame::Error(e)) => Err(LinkError::Refused(e.text)),
            Some(f) => Ok(f),
            None => Err(LinkError::Timeout(what)),
        }
    }
}
