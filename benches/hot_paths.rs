//! Criterion benchmarks of the hot paths: record splitting, base64 + AES
//! decryption, the typed event parse, transition rendering (JSON and
//! table), and the signature check.
//!
//!     cargo bench --bench hot_paths

use std::hint::black_box;
use std::io::Write;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lark_ticket::crypto;
use lark_ticket::event::{Detail, Event, Lang};
use lark_ticket::input::{Location, Splitter};
use lark_ticket::render::Style;
use lark_ticket::render::diff::json::DiffJson;
use lark_ticket::render::diff::table::DiffTable;
use lark_ticket::render::diff::{DiffRenderer, Row};
use lark_ticket::secret::Secret;

/// A realistic ticket update (the documentation's example with agents and
/// Chinese names), compact, about 1 KB.
const EVENT: &str = r#"{"schema":"2.0","header":{"event_id":"5e3702a84e847582be8db7fb73283c02","event_type":"helpdesk.ticket.updated_v1","create_time":"1608725989000","token":"rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV","app_id":"cli_9f5343c580712544","tenant_key":"2ca1d211f64f6438"},"event":{"object":{"ticket_id":"6626871355780366331","helpdesk_id":"6626871355780366330","guest":{"id":{"union_id":"on_8ed6aa67826108097d9ee143816345","user_id":"e33ggbyz","open_id":"ou_84aad35d084aa403a838cf73ee18467"},"name":"张三 🎫"},"stage":2,"status":2,"score":1,"created_at":1616920429000,"updated_at":1616920500000,"closed_at":0,"channel":14,"solve":1,"agents":[{"id":{"union_id":"on_5ffec4b7ffd459b6a28de2349ad794f8","user_id":"962260b9","open_id":"ou_153698e42be873fdbdc1b180ece22056"},"name":"李四 🎧"}],"customized_fields":[{"id":"7000","value":"值-893029","key_name":"order_no","display_name":"订单号","position":1,"required":true,"editable":true}],"chat_id":"oc_xxxxxxx"},"old_object":{"stage":1,"status":3,"updated_at":1616920429000}}}"#;

fn key() -> Secret {
    Secret::new("bench-key")
}

fn stream(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * (EVENT.len() + 1));
    for _ in 0..n {
        out.extend_from_slice(EVENT.as_bytes());
        out.push(b'\n');
    }
    out
}

fn split(c: &mut Criterion) {
    let data = stream(1000);
    let mut g = c.benchmark_group("split");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("ndjson_1000_records", |b| {
        b.iter(|| Splitter::new(black_box(data.as_slice()), Arc::from("bench"), 1 << 24).count())
    });
    // What the record stream does: one-line records' checks left to the
    // workers' parse (see `event/plain` below).
    g.bench_function("ndjson_1000_records_deferring", |b| {
        b.iter(|| {
            Splitter::new(black_box(data.as_slice()), Arc::from("bench"), 1 << 24)
                .deferring()
                .count()
        })
    });
    g.finish();
}

fn decrypt(c: &mut Criterion) {
    let encrypted = crypto::encrypt(&key(), EVENT.as_bytes(), Some([7; 16])).unwrap_or_default();
    let mut g = c.benchmark_group("decrypt");
    g.throughput(Throughput::Bytes(encrypted.len() as u64));
    g.bench_function("base64_aes256cbc_pkcs7", |b| {
        b.iter(|| crypto::decrypt(&key(), black_box(&encrypted)))
    });
    g.finish();
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("event");
    g.throughput(Throughput::Bytes(EVENT.len() as u64));
    g.bench_function("typed_parse", |b| {
        b.iter(|| Event::from_slice(black_box(EVENT.as_bytes())))
    });
    // The worker's one parse of a record the splitter left unchecked.
    g.bench_function("plain", |b| {
        b.iter(|| Event::from_plain(black_box(EVENT.as_bytes()), Detail::State).is_some())
    });
    g.bench_function("raw_only", |b| {
        b.iter(|| {
            serde_json::from_slice::<lark_ticket::event::raw::RawDoc>(black_box(EVENT.as_bytes()))
                .is_ok()
        })
    });
    g.bench_function("ignored_any", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde::de::IgnoredAny>(black_box(EVENT.as_bytes())).is_ok()
        })
    });
    g.finish();
}

fn render(c: &mut Criterion) {
    let style = Style::new(false, Lang::En, jiff::tz::TimeZone::UTC);
    let event = Event::from_slice(EVENT.as_bytes()).expect("the bench event parses");
    let location = Location::new(Arc::from("bench.ndjson"), 1);
    let ticket = event.ticket().cloned().unwrap_or_default();
    let rows: Vec<Row<'_>> = event
        .transitions()
        .iter()
        .map(|t| Row {
            source: &location,
            ticket_id: ticket.ticket_id.as_deref(),
            event_id: event.envelope.event_id.as_deref(),
            time: event.envelope.create_time,
            transition: t,
        })
        .collect();
    let mut g = c.benchmark_group("render");
    g.bench_function("transitions_json", |b| {
        let json = DiffJson {
            style: style.clone(),
        };
        let mut buf = Vec::with_capacity(1024);
        b.iter(|| {
            buf.clear();
            for row in &rows {
                json.write_row(&mut buf, row);
            }
            black_box(buf.len())
        })
    });
    g.bench_function("transitions_table", |b| {
        b.iter(|| {
            let mut table = DiffTable::new(style.clone());
            let mut out = Vec::with_capacity(4096);
            for row in &rows {
                let _ = table.row(&mut out, row);
            }
            let _ = table.finish(
                &mut out,
                &lark_ticket::render::diff::Totals::Rows(&Default::default()),
            );
            let _ = out.flush();
            black_box(out.len())
        })
    });
    g.finish();
}

fn signature(c: &mut Criterion) {
    let (ts, nonce) = ("1616920429", "f2d9b2e1c3");
    let received = crypto::signature(ts, nonce, &key(), EVENT.as_bytes());
    let mut g = c.benchmark_group("signature");
    g.throughput(Throughput::Bytes(EVENT.len() as u64));
    g.bench_function("sha256_check", |b| {
        b.iter(|| {
            let expected = crypto::signature(ts, nonce, &key(), black_box(EVENT.as_bytes()));
            crypto::signatures_equal(&expected, &received)
        })
    });
    g.finish();
}

criterion_group!(benches, split, decrypt, parse, render, signature);
criterion_main!(benches);
