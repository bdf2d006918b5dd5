//! The offline backend: Steam's Messages semantics over UDP with no Steam client.
//! `proto` is the protocol (sans-IO), `driver` its socket and thread, `directory` finds peers
//! on this machine, `netsim` fakes a bad network for tests.

mod backend;
mod batch;
pub mod directory;
pub mod driver;
pub mod lan;
pub mod netsim;
pub mod options;
pub mod proto;

pub use backend::OfflineBackend;
