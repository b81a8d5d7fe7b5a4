//! sbroker-storage
