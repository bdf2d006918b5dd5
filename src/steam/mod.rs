//! The Steam backend: a thin mapping of `Backend` onto the `steamworks` crate.
