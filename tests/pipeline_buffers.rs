//! The pipeline's workers write each batch's output into a buffer that the
//! calling thread hands back once it has written it out, so that a large
//! output is not allocated on a worker and freed on another thread for
//! every batch: that churn left the allocator holding freed pages, and
//! `parse`'s tables peaked anywhere from 19 to 30 MiB (32 is the bound).
//!
//! Counted with an allocator that counts large allocations, in a test
//! binary of its own so that no other test allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use lark_ticket::pipeline::in_order;

/// What counts as a large allocation: a batch's output here is 128 KiB.
const LARGE: usize = 64 * 1024;

static LARGE_ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every call goes to the system allocator with the caller's own
// arguments; counting touches nothing the allocator hands out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= LARGE {
            LARGE_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract for `alloc` is the system's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= LARGE {
            LARGE_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: as for `dealloc`, and the caller's contract for `realloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What item `i` writes: 1 KiB, but 4 MiB for item 5 (a huge record).
fn output(i: usize) -> Vec<u8> {
    let len = if i == 5 { 4 << 20 } else { 1024 };
    vec![(i % 251) as u8; len]
}

/// 1,000 batches of 128 items, each item writing 1 KiB, on three workers:
/// a handful of large buffers serve them all (without the hand-back, each
/// batch allocated its own), and every byte still comes out in order. The
/// one batch with a huge output does not leave its worker a buffer that
/// large: every batch starts in one of at most 1 MiB (what a worker sets
/// aside for a batch).
#[test]
fn workers_write_into_buffers_handed_back() {
    const BATCHES: usize = 1000;
    const BATCH: usize = 128;
    let mut written = 0usize;
    let mut next = 0usize;
    let before = LARGE_ALLOCATIONS.load(Ordering::Relaxed);
    in_order(
        0..BATCHES * BATCH,
        BATCH,
        3,
        |bytes: &mut Vec<u8>, i: usize| {
            if bytes.is_empty() {
                assert!(bytes.capacity() <= 1 << 20, "{}", bytes.capacity());
            }
            bytes.extend_from_slice(&output(i));
            i
        },
        |bytes, i| {
            assert_eq!(i, next, "out of order");
            assert_eq!(bytes, output(i));
            next += 1;
            written += bytes.len();
            Ok(())
        },
    )
    .unwrap();
    let large = LARGE_ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(written, (BATCHES * BATCH - 1) * 1024 + (4 << 20));
    // Each worker's buffers: the batches it may have out (four) and those
    // waiting to be reused (five), a few grown more than once at the start
    // (and the huge one's growth, and the huge outputs the test compares).
    assert!(
        large <= 3 * 9 * 3,
        "{large} large allocations for {BATCHES} batches"
    );
}
