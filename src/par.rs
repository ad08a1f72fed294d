//! Order-preserving parallel map over a slice, on scoped threads.
//!
//! Loading and compiling a corpus is independent work per file and per
//! detection; spreading it over the cores is most of the speed-up on a
//! large corpus. The result is in input order whatever the scheduling, so
//! output stays deterministic. `VIGIL_JOBS=1` runs everything on the calling
//! thread (the sequential reference the tests compare against).

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// Items handed to a worker at a time, at most: small enough to balance
/// uneven files, large enough that the shared counter is not contended. A
/// short list is handed out one item at a time (a few large folders).
const BATCH: usize = 16;

/// Stack for the compiler's threads (the main one and the workers).
/// Parsing, lowering and printing recurse over the nesting of a detection
/// (bounded by `syntax::depth::MAX_DEPTH` and Sigma's own limits); a
/// generous stack keeps debug builds safe too. Only the pages actually used
/// are committed.
pub const STACK_BYTES: usize = 256 * 1024 * 1024;

/// The number of worker threads: `VIGIL_JOBS` if set to a positive number,
/// else the machine's available parallelism.
pub fn jobs() -> usize {
    std::env::var("VIGIL_JOBS")
        .ok()
        .and_then(|v| v.trim().parse::<NonZeroUsize>().ok())
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
}

/// Applies `f` to every item, on up to [`jobs`] threads, and returns the
/// results in the items' order.
pub fn map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = jobs().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let batch = (items.len() / (threads * 4)).clamp(1, BATCH);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let start = next.fetch_add(batch, Ordering::Relaxed);
            if start >= items.len() {
                return done;
            }
            let end = (start + batch).min(items.len());
            done.push((start, items[start..end].iter().map(&f).collect::<Vec<R>>()));
        }
    };
    let mut batches: Vec<(usize, Vec<R>)> = std::thread::scope(|s| {
        // Workers get the main thread's stack: a detection nested as deep
        // as the limits allow must not overflow a worker's default 2 MiB.
        // A worker that cannot be started leaves its share to the others.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        let mut all = work();
        for h in helpers {
            // A panicking worker is a bug: carry its panic to the caller.
            all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        all
    });
    batches.sort_unstable_by_key(|(start, _)| *start);
    batches.into_iter().flat_map(|(_, b)| b).collect()
}

/// [`map`] for a function that changes each item in place.
pub fn map_mut<T, R, F>(items: &mut [T], f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(&mut T) -> R + Sync,
{
    // Each item is locked by the one worker `map` hands it to: the locks
    // only prove to the compiler that no item is shared.
    let cells: Vec<Mutex<&mut T>> = items.iter_mut().map(Mutex::new).collect();
    map(&cells, |cell| {
        f(&mut cell.lock().unwrap_or_else(PoisonError::into_inner))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_input_order_across_threads() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so batches finish out of order.
        let out = map(&items, |&i| {
            if i % 7 == 0 {
                std::thread::yield_now();
            }
            i * i
        });
        assert_eq!(out, items.iter().map(|i| i * i).collect::<Vec<_>>());
    }

    #[test]
    fn items_changed_in_place_keep_their_order() {
        let mut items: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let lens = map_mut(&mut items, |s| {
            s.push('!');
            s.len()
        });
        assert_eq!(items, (0..100).map(|i| format!("{i}!")).collect::<Vec<_>>());
        assert_eq!(lens, items.iter().map(String::len).collect::<Vec<_>>());
    }

    #[test]
    fn empty_input_gives_empty_output() {
        let out: Vec<u8> = map(&[] as &[u8], |&b| b);
        assert!(out.is_empty());
    }
}
