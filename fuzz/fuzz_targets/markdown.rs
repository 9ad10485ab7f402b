//! Fuzzes `story import`: any text ends in a story the parser accepts or in
//! problems with places, at most 200 and a count, never a panic or a hang
//! (the same checks as the importer's property tests:
//! `crates/story/tests/support/import_invariants.rs`).
//! Run: `cargo +nightly fuzz run markdown -- -max_total_time=600` (seeds:
//! `fuzz/seeds/*.md`).
#![no_main]

#[path = "../../crates/story/tests/support/import_invariants.rs"]
mod import_invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        import_invariants::check_import(text);
    }
});
