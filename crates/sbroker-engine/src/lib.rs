//! sbroker-engine
