//! Work spread over the cores, with results always in input order, so the
//! output never depends on how the work was split. The only module that
//! starts threads, with one failure policy: a panic on a worker thread is
//! a bug and is passed on as it is; work whose thread cannot be started is
//! done on the calling thread.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// How many threads to use: one per core, at most 8. Asked of the system
/// once: each asking reads the process's cgroup files (53 reads, some of
/// them waiting on the memory map, in one million-claim build).
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| thread::available_parallelism().map_or(1, |n| n.get().min(8)))
}

/// `f` of each input, each on its own thread (the first on this one), in
/// input order. An input whose thread cannot be started is done on this
/// thread instead.
pub fn map<I: Send, R: Send>(inputs: Vec<I>, f: impl Fn(I) -> R + Sync) -> Vec<R> {
    let n = inputs.len();
    // Each input waits in its slot until a thread takes it, so one whose
    // thread failed to start is still here to be done on this one.
    let slots: Vec<Mutex<Option<I>>> = inputs.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let run = |k: usize| {
        let input = slots[k]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        input.map(&f)
    };
    let run = &run;
    thread::scope(|scope| {
        let handles: Vec<_> = (1..n)
            .map(|k| {
                thread::Builder::new()
                    .spawn_scoped(scope, move || run(k))
                    .ok()
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        if n > 0 {
            out.push(run(0));
        }
        for (k, handle) in (1..n).zip(handles) {
            out.push(match handle {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => run(k),
            });
        }
        // Every slot is taken exactly once, by its thread or here.
        out.into_iter().flatten().collect()
    })
}

/// `a()` and `b()` at the same time (`a` on a new thread; on this one
/// after `b` when no thread can be started).
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    let a = Mutex::new(Some(a));
    let run_a = || {
        let a = a
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        a.map(|a| a())
    };
    thread::scope(|scope| {
        let handle = thread::Builder::new().spawn_scoped(scope, run_a).ok();
        let b = b();
        let a = match handle {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => run_a(),
        };
        match a {
            Some(a) => (a, b),
            None => unreachable!("a is taken once"),
        }
    })
}

/// Drops `value` on a thread of its own. Returning a few hundred megabytes
/// of pages to the system takes milliseconds the caller need not wait for;
/// if the process ends first, the system takes them back anyway. Where no
/// thread can be started, `value` is dropped here.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = thread::Builder::new().spawn(move || drop(value));
}

/// Runs `f` over contiguous parts of `0..n` of at least `min` items, one
/// thread per part (at most [`cores`], at least one part even when `n` is
/// 0); results in part order.
pub fn in_parts<T: Send>(n: usize, min: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let parts = cores().min(n / min.max(1)).max(1);
    let size = n.div_ceil(parts).max(1);
    let ranges = (0..parts)
        .map(|i| (i * size).min(n)..((i + 1) * size).min(n))
        .collect();
    map(ranges, f)
}

/// Runs `f` on every item, spread over the cores (each thread takes the
/// next item not yet taken, so uneven items still share out); results in
/// item order.
pub fn each<I: Sync, T: Send>(items: &[I], f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    let threads = cores().min(items.len());
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = |_| {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut done: Vec<(usize, T)> = map((0..threads).collect(), work)
        .into_iter()
        .flatten()
        .collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Parts cover 0..n in order, whatever n.
    #[test]
    fn parts_cover_in_order() {
        for n in [0, 1, 4095, 4096, 10_000, 100_003] {
            let parts = in_parts(n, 1000, |r| r);
            assert!(!parts.is_empty());
            let all: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(all, (0..n).collect::<Vec<_>>());
        }
    }

    // map keeps input order (none, one, many); join gives both results.
    #[test]
    fn map_and_join_keep_order() {
        assert!(map(Vec::<u32>::new(), |x| x).is_empty());
        assert_eq!(map(vec![7], |x| x * 2), [14]);
        let many: Vec<usize> = (0..50).collect();
        assert_eq!(map(many.clone(), |x| x + 1), (1..51).collect::<Vec<_>>());
        let mut text = String::new();
        let (a, b) = join(|| many.len(), || text.push('x'));
        assert_eq!((a, b, text.as_str()), (50, (), "x"));
    }

    // Items come back in order, however they were spread.
    #[test]
    fn each_keeps_order() {
        for n in [0, 1, 2, 3, 7, 100] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                each(&items, |&i| i * 10),
                (0..n).map(|i| i * 10).collect::<Vec<_>>()
            );
        }
    }

    // Results of map come back in input order.
    #[test]
    fn map_keeps_order() {
        assert_eq!(
            map((0..20).collect(), |i: u32| i * 2),
            (0..20).map(|i| i * 2).collect::<Vec<_>>()
        );
        assert!(map(Vec::<u32>::new(), |i| i).is_empty());
    }
}
