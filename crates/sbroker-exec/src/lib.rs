//! sbroker-exec
