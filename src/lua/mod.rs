//! The Lua glue.
