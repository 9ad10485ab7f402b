//! Fuzzes parse + validate: any bytes end in a document or diagnostics,
//! never a panic, and what reaches the model keeps the invariants that the
//! property tests check too (one list: `crates/story-format/tests/support/invariants.rs`).
//! Run: `cargo +nightly fuzz run parse -- -max_total_time=600` (from the
//! repository root; seeds: `fuzz/seeds/`, the samples and fixtures).
#![no_main]

#[path = "../../crates/story-format/tests/support/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| invariants::check_invariants(data));
