//! The allocator of `waymark-bench`: mimalloc, as the portal uses, with an
//! optional count of live heap bytes for `build --heap`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// mimalloc, as in the portal's binary, counting live heap bytes when
/// `build --heap` asks (off, the cost is one relaxed load a call): the peak
/// of what the program holds, beside the peak RSS the kernel reports, tells
/// data from allocator slack.
pub struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

impl Counting {
    fn grew(by: usize) {
        let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed to mimalloc unchanged; only counters change.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            Counting::grew(layout.size());
        }
        // SAFETY: the caller's guarantees for `alloc` hold for mimalloc's.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        // SAFETY: as for `alloc`.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            Counting::grew(layout.size());
        }
        // SAFETY: as for `alloc`.
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            if new_size >= layout.size() {
                Counting::grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        // SAFETY: as for `alloc`.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

/// Starts (or stops) counting. Freed memory counts only what was allocated
/// while counting, so a count is meant to run from the start of a program.
pub fn count(on: bool) {
    COUNTING.store(on, Ordering::Relaxed);
}

/// Live heap bytes now, and the most that were live at once while counting.
pub fn live_and_peak() -> (usize, usize) {
    (LIVE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed))
}
