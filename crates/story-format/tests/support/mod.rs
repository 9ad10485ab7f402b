//! Shared by the core's integration tests (`mod support;`). The fuzz target
//! and the browser tests include the same files by path.
// Each test file uses a part of this.
#![allow(dead_code)]

pub mod corpus;
pub mod expect;
pub mod invariants;
pub mod summary;
