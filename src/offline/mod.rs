//! The offline backend: Steam's Messages semantics over UDP with no Steam client.

pub mod netsim;
pub mod proto;
