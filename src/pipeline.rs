//! An order-preserving pipeline over the record stream: the calling thread
//! reads and splits the stream into batches, workers turn records into
//! results (decrypt, parse, render), and between reads the calling thread
//! consumes the results in input order. With one thread the same `work`
//! and `consume` run inline, so the output is byte-identical whatever the
//! thread count.
//!
//! Reading and consuming on one thread, rather than a reading thread
//! beside it, halves the hand-overs between threads (measured with two
//! batches per worker: 2,650 -> 1,330 context switches for `diff -o json`
//! over 200k records) and keeps fewer batches in flight; a thread that is
//! woken is woken for work (a finished batch frees a place, which is
//! filled at once).
//!
//! What `work` writes for an item (its rendered output) goes into one
//! buffer for the whole batch, and `consume` is handed the item's part of
//! it beside its result: a batch's output costs one allocation, not one an
//! item, and is freed once on the consuming thread.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::input::{Input, RawRecord, RecordError, RecordStream};

/// Records per batch: large enough to amortize the channel, small enough
/// to keep memory flat (a batch of 128 records of a few KiB).
const BATCH: usize = 128;
/// Batches out for each worker (being worked on, waiting, or finished
/// and not yet consumed). Four, so that the workers do not run dry while
/// the scheduler has the calling thread (which hands the batches out) off
/// its core for a while: with two, workers found their inbox empty about
/// 700 times a run of `diff -o json` over 200k records, with four about
/// 390, and the run took 8% less time (0.246 against 0.267 s, mean of 21
/// interleaved runs). Eight gained nothing more, and took `parse`'s
/// tables over 32 MiB.
const PER_WORKER: usize = 4;
/// The most room a worker sets aside for a batch's output before it writes
/// any: one batch of huge records does not make every later batch reserve
/// as much.
const MAX_ROOM: usize = 1 << 20;
/// The most worker threads `-j` asks for (the help and the README say
/// so): more would only cost memory and thread starts.
pub const MAX_THREADS: usize = 1024;

pub type Item = Result<RawRecord, RecordError>;

/// A worker's finished batch: each result with the end of its bytes in
/// `bytes` (each item's bytes start where the one before it ended).
struct Done<R> {
    bytes: Vec<u8>,
    results: Vec<(usize, R)>,
}

/// The number of worker threads to use by default: one per core and one
/// more, so that every core stays busy while the calling thread reads,
/// writes or waits (measured on 2 cores, `diff -o json` over 200k records,
/// 25 interleaved runs, with two batches per worker: 3 workers 0.27 s mean,
/// 4 workers 0.29 s, 2 workers 0.30 s; with four batches, 3 and 4 workers
/// are within the noise of each other). At most [`MAX_THREADS`].
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| usize::from(n).saturating_add(1))
        .min(MAX_THREADS)
}

/// Runs `work` over every record of `inputs` on `threads` workers (at most
/// [`MAX_THREADS`]; fewer when the system refuses more) and hands the
/// results to `consume` in input order, each with the bytes `work` wrote
/// for it. Stops early (and lets the threads wind down) when `consume`
/// fails.
pub fn ordered<W, R, C>(
    inputs: Vec<Input>,
    max_record: usize,
    threads: usize,
    work: W,
    consume: C,
) -> anyhow::Result<()>
where
    W: Fn(&mut Vec<u8>, Item) -> R + Sync,
    R: Send,
    C: FnMut(&[u8], R) -> anyhow::Result<()>,
{
    let stream = RecordStream::new(inputs, max_record);
    in_order(stream, BATCH, threads, work, consume)
}

/// [`ordered`] over any stream of items, in batches of `batch` (at least
/// one): `work` on `threads` workers, the results to `consume` in the
/// stream's order. In flight (handed out and not yet consumed) are at most
/// [`PER_WORKER`] batches per worker, and the one being gathered. The
/// stream is read on the calling thread: output that is ready waits while
/// a slow input (a trickle from a pipe) fills the next batch.
pub fn in_order<S, W, R, C>(
    mut stream: S,
    batch: usize,
    threads: usize,
    work: W,
    mut consume: C,
) -> anyhow::Result<()>
where
    S: Iterator,
    S::Item: Send,
    W: Fn(&mut Vec<u8>, S::Item) -> R + Sync,
    R: Send,
    C: FnMut(&[u8], R) -> anyhow::Result<()>,
{
    // Inline, one buffer serves every item in turn.
    let inline = |items: &mut dyn Iterator<Item = S::Item>, consume: &mut C| {
        let mut bytes = Vec::new();
        for item in items {
            bytes.clear();
            let result = work(&mut bytes, item);
            consume(&bytes, result)?;
        }
        Ok(())
    };
    let threads = threads.min(MAX_THREADS);
    if threads <= 1 {
        return inline(&mut stream, &mut consume);
    }
    // No threads for less than a batch (a single payload in a script's
    // loop): starting them would cost more than the work.
    let batch = batch.max(1);
    let first: Vec<S::Item> = stream.by_ref().take(batch).collect();
    if first.len() < batch {
        return inline(&mut first.into_iter(), &mut consume);
    }
    std::thread::scope(|scope| {
        let mut to_workers: Vec<SyncSender<Vec<S::Item>>> = Vec::with_capacity(threads);
        let mut spent: Vec<SyncSender<Vec<u8>>> = Vec::with_capacity(threads);
        let mut from_workers: Vec<Receiver<Done<R>>> = Vec::with_capacity(threads);
        for _ in 0..threads {
            let (batch_tx, batch_rx) = sync_channel::<Vec<S::Item>>(PER_WORKER);
            let (result_tx, result_rx) = sync_channel::<Done<R>>(PER_WORKER);
            let (spent_tx, spent_rx) = sync_channel::<Vec<u8>>(PER_WORKER + 1);
            let work = &work;
            let started = std::thread::Builder::new().spawn_scoped(scope, move || {
                // Room for the most a batch has written, and an eighth
                // more (up to MAX_ROOM): a batch's output grows into it,
                // not by copies.
                let mut room: usize = 0;
                for batch in batch_rx {
                    // A buffer this worker filled before, written out and
                    // handed back: large outputs are not allocated on this
                    // thread and freed on another, which left the
                    // allocator holding freed pages (parse's tables peaked
                    // anywhere from 19 to 30 MiB).
                    // One too small is grown to the room first, as a new
                    // one is made: exactly (doubled, the buffers kept
                    // took parse's tables from 17 to 21-24 MiB).
                    let mut bytes = spent_rx.try_recv().unwrap_or_default();
                    bytes.clear();
                    bytes.reserve_exact((room + room / 8).min(MAX_ROOM));
                    let results = batch
                        .into_iter()
                        .map(|item| {
                            let result = work(&mut bytes, item);
                            (bytes.len(), result)
                        })
                        .collect();
                    room = room.max(bytes.len());
                    if result_tx.send(Done { bytes, results }).is_err() {
                        return;
                    }
                }
            });
            if started.is_err() {
                break;
            }
            to_workers.push(batch_tx);
            from_workers.push(result_rx);
            spent.push(spent_tx);
        }
        let workers = to_workers.len();
        if workers == 0 {
            return inline(&mut first.into_iter().chain(stream), &mut consume);
        }
        // Batch k goes to worker k % workers, so reading the workers in
        // turn restores the input order. At most `window` batches are out
        // (handed out, not yet consumed); while the window is full this
        // thread waits for the oldest, and every finished batch it is woken
        // for frees a place that it fills at once.
        let window = workers * PER_WORKER;
        let (mut sent, mut consumed) = (0usize, 0usize);
        let mut next = Some(first);
        let mut ended = false;
        let mut consume_done = |done: Done<R>, worker: usize| -> anyhow::Result<()> {
            let mut start = 0;
            for (end, result) in done.results {
                consume(done.bytes.get(start..end).unwrap_or_default(), result)?;
                start = end;
            }
            // Back to the worker that filled it; dropped here if it has
            // enough, or if it is larger than a worker sets aside, so that
            // one batch of huge records does not leave its worker holding
            // as much for every batch after it.
            if done.bytes.capacity() <= MAX_ROOM {
                let _ = spent[worker].try_send(done.bytes);
            }
            Ok(())
        };
        loop {
            while !ended && sent - consumed < window {
                let items = match next.take() {
                    Some(items) => items,
                    None => stream.by_ref().take(batch).collect(),
                };
                // A short batch is the stream's last; a worker gone (it
                // panicked) takes no more.
                ended = items.len() < batch;
                if items.is_empty() || to_workers[sent % workers].send(items).is_err() {
                    ended = true;
                    break;
                }
                sent += 1;
                // What is already finished goes out now, not after the
                // next read.
                while consumed < sent {
                    match from_workers[consumed % workers].try_recv() {
                        Ok(done) => {
                            consume_done(done, consumed % workers)?;
                            consumed += 1;
                        }
                        Err(_) => break,
                    }
                }
            }
            if consumed == sent {
                return Ok(());
            }
            // A worker gone (it panicked) ends the run here; the scope
            // passes its panic on.
            let Ok(done) = from_workers[consumed % workers].recv() else {
                return Ok(());
            };
            consume_done(done, consumed % workers)?;
            consumed += 1;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn order_is_kept_across_threads() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        for i in 0..5000 {
            writeln!(file, "{{\"n\":{i}}}").unwrap();
            if i % 997 == 0 {
                writeln!(file, "not json {i}").unwrap();
            }
        }
        let input = vec![Input::File(file.path().to_path_buf())];
        let run = |threads| {
            let mut seen = Vec::new();
            ordered(
                input.clone(),
                1 << 20,
                threads,
                |bytes: &mut Vec<u8>, item| match item {
                    Ok(record) => {
                        bytes.extend_from_slice(record.location.to_string().as_bytes());
                        true
                    }
                    Err(e) => {
                        bytes.extend_from_slice(format!("error {}", e.location).as_bytes());
                        false
                    }
                },
                |bytes, ok| {
                    seen.push((String::from_utf8_lossy(bytes).into_owned(), ok));
                    Ok(())
                },
            )
            .unwrap();
            seen
        };
        let one = run(1);
        assert_eq!(one.len(), 5000 + 6);
        assert_eq!(run(2), one);
        assert_eq!(run(3), one);
    }

    /// The stream is read on the calling thread (it need not be `Send`:
    /// an `Rc` counter is shared with the consumer here), and no more
    /// than `PER_WORKER` batches per worker are out at any time, plus the
    /// one being gathered.
    #[test]
    fn the_calling_thread_reads_with_a_bounded_window() {
        use std::cell::Cell;
        use std::rc::Rc;
        let pulled = Rc::new(Cell::new(0usize));
        let counter = Rc::clone(&pulled);
        let stream = (0..10_000usize).inspect(move |_| counter.set(counter.get() + 1));
        let (batch, threads) = (16, 3);
        let bound = (PER_WORKER * threads + 1) * batch;
        let (mut consumed, mut most) = (0usize, 0usize);
        in_order(
            stream,
            batch,
            threads,
            |bytes: &mut Vec<u8>, i| {
                bytes.extend_from_slice(&i.to_le_bytes());
                i
            },
            |bytes, i| {
                assert_eq!(bytes, i.to_le_bytes());
                assert_eq!(i, consumed);
                consumed += 1;
                most = most.max(pulled.get() - consumed);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(consumed, 10_000);
        assert!(most <= bound, "{most} items out, bound {bound}");
        assert!(most >= batch, "{most} items out: no batch in flight");
    }

    #[test]
    fn a_failing_consumer_stops_the_run() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        for i in 0..3000 {
            writeln!(file, "{{\"n\":{i}}}").unwrap();
        }
        let input = vec![Input::File(file.path().to_path_buf())];
        let mut n = 0;
        let result = ordered(
            input,
            1 << 20,
            2,
            |_, item| item.is_ok(),
            |_, _| {
                n += 1;
                if n == 10 {
                    anyhow::bail!("stop")
                } else {
                    Ok(())
                }
            },
        );
        assert!(result.is_err());
        assert_eq!(n, 10);
    }
}
