//! A build's phases: after each, the memory it freed goes back to the
//! system, and with `STORY_TIMES` set its wall time and peak memory are
//! printed.

/// With `STORY_TIMES` set, each phase of a build, its wall time and its
/// own peak resident memory, on standard error (for `docs/perf.md`'s
/// figures; off by default). The kernel's peak is reset after each phase,
/// so an outside measure (`wait4`, `/usr/bin/time`) then sees only the
/// last phase's: the whole build's is printed at the end instead.
pub(super) struct Phases(Option<(std::time::Instant, u64)>);

impl Phases {
    pub(super) fn from_env() -> Phases {
        Phases(std::env::var_os("STORY_TIMES").map(|_| (std::time::Instant::now(), 0)))
    }
    /// Ends a phase: what it freed goes back to the system, and its time
    /// and peak are printed when asked for.
    pub(super) fn end(&mut self, phase: &str) {
        give_back_freed_memory();
        if let Some((t, whole)) = &mut self.0 {
            let peak = phase_peak_kb();
            *whole = (*whole).max(peak.unwrap_or(0));
            let shown = peak.map_or_else(String::new, |kb| format!(", peak {} MB", kb / 1024));
            eprintln!("story build: {phase}: {:.2} s{shown}", t.elapsed().as_secs_f64());
            *t = std::time::Instant::now();
        }
    }
    /// Prints the whole build's peak, when asked for.
    pub(super) fn done(&self) {
        if let Some((_, whole)) = self.0 {
            eprintln!("story build: the whole build's peak: {} MB", whole / 1024);
        }
    }
}

/// The phase's peak resident memory in KB (`VmHWM`, which is then reset
/// to the current size for the next phase); `None` where `/proc` does
/// not tell.
fn phase_peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    // "5" resets the peak to the current size (Linux 4.0 and later).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    kb
}

/// Hands the memory a phase freed back to the system. The `story` binary
/// allocates with mimalloc, which returns freed pages on its own but only
/// a second later (its `purge_delay`): at 1,000,000 stories the check's
/// freed pages were still held through the catalog's phase, 60-90 MB of
/// its peak (docs/perf.md, "Session 36"). Forced here, at a phase's end
/// only: a delay of 0 throughout made rendering the list pages twice as
/// slow. glibc keeps its freed pages too, in every thread's arena, until
/// asked: its malloc is still what the C libraries (libwebp) and any other
/// program built on this library use. A phase's leftovers (the check's
/// parsed files, the catalog's pages as JSON) otherwise stay in the
/// process's memory under every later phase's own.
pub(super) fn give_back_freed_memory() {
    // SAFETY: mi_collect only frees and purges memory no block is in; it
    // is thread-safe (a no-op for what another allocator holds).
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}
