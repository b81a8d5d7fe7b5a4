//! sbroker-tsql
