//! An order-preserving pipeline over the record stream: one thread reads
//! and splits, workers turn records into results (decrypt, parse, render)
//! in batches, and the calling thread consumes the results in input order.
//! With one thread the same `work` and `consume` run inline, so the output
//! is byte-identical whatever the thread count.
//!
//! What `work` writes for an item (its rendered output) goes into one
//! buffer for the whole batch, and `consume` is handed the item's part of
//! it beside its result: a batch's output costs one allocation, not one an
//! item, and is freed once on the consuming thread.

use std::sync::mpsc::{Receiver, SendError, SyncSender, sync_channel};

use crate::input::{Input, RawRecord, RecordError, RecordStream};

/// Records per batch: large enough to amortize the channel, small enough
/// to keep memory flat (a batch of 128 records of a few KiB).
const BATCH: usize = 128;
/// Batches waiting for each worker.
const DEPTH: usize = 2;
/// Finished batches waiting in each worker's outbox: one, so that output
/// (a `parse` table is about 4 KB a record) does not pile up ahead of the
/// writer and memory stays flat.
const DONE_DEPTH: usize = 1;
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

/// The number of worker threads to use by default: two per core, so that
/// the workers keep every core busy while the reading thread and the
/// writing thread wait (measured: on 2 cores, 4 workers beat 2 by 15%).
/// At most [`MAX_THREADS`].
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| usize::from(n).saturating_mul(2))
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
/// stream's order. In flight are at most three batches per worker and the
/// one being gathered.
pub fn in_order<S, W, R, C>(
    mut stream: S,
    batch: usize,
    threads: usize,
    work: W,
    mut consume: C,
) -> anyhow::Result<()>
where
    S: Iterator + Send,
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
        // The reader starts first and is handed the stream once the workers
        // are up, so that a system short of threads (a process limit, little
        // memory) still gets the work done: by the workers it allows, or
        // here on this thread.
        let (start_tx, start_rx) = sync_channel::<Start<S>>(1);
        let reader = std::thread::Builder::new().spawn_scoped(scope, move || {
            if let Ok((to_workers, first, stream)) = start_rx.recv() {
                feed(&to_workers, first, stream, batch);
            }
        });
        let mut to_workers: Vec<SyncSender<Vec<S::Item>>> = Vec::with_capacity(threads);
        let mut from_workers: Vec<Receiver<Done<R>>> = Vec::with_capacity(threads);
        for _ in 0..threads {
            if reader.is_err() {
                break;
            }
            let (batch_tx, batch_rx) = sync_channel::<Vec<S::Item>>(DEPTH);
            let (result_tx, result_rx) = sync_channel::<Done<R>>(DONE_DEPTH);
            let work = &work;
            let started = std::thread::Builder::new().spawn_scoped(scope, move || {
                // Room for the most a batch has written, and an eighth
                // more (up to MAX_ROOM): a batch's output grows into it,
                // not by copies.
                let mut room: usize = 0;
                for batch in batch_rx {
                    let mut bytes = Vec::with_capacity((room + room / 8).min(MAX_ROOM));
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
        }
        if to_workers.is_empty() {
            return inline(&mut first.into_iter().chain(stream), &mut consume);
        }
        if let Err(SendError((_, first, stream))) = start_tx.send((to_workers, first, stream)) {
            // Only if the reader is gone, which it cannot be before this.
            return inline(&mut first.into_iter().chain(stream), &mut consume);
        }
        // Batch k went to worker k % threads, so reading the workers in turn
        // restores the input order; the first worker with nothing more to
        // give marks the end of the stream.
        let mut next = 0;
        while let Ok(done) = from_workers[next].recv() {
            let mut start = 0;
            for (end, result) in done.results {
                consume(done.bytes.get(start..end).unwrap_or_default(), result)?;
                start = end;
            }
            next = (next + 1) % from_workers.len();
        }
        Ok(())
    })
}

/// What the reading thread is handed: the workers' inboxes, the batch
/// already read, and the rest of the stream.
type Start<S> = (
    Vec<SyncSender<Vec<<S as Iterator>::Item>>>,
    Vec<<S as Iterator>::Item>,
    S,
);

/// The reading thread: the stream in batches, to the workers in turn.
fn feed<S: Iterator>(
    to_workers: &[SyncSender<Vec<S::Item>>],
    first: Vec<S::Item>,
    stream: S,
    size: usize,
) {
    if to_workers.is_empty() {
        return;
    }
    let mut next = 0;
    if to_workers[next].send(first).is_err() {
        return;
    }
    next = (next + 1) % to_workers.len();
    let mut batch = Vec::with_capacity(size);
    for item in stream {
        batch.push(item);
        if batch.len() == size {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(size));
            if to_workers[next].send(full).is_err() {
                return;
            }
            next = (next + 1) % to_workers.len();
        }
    }
    if !batch.is_empty() {
        let _ = to_workers[next].send(batch);
    }
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
