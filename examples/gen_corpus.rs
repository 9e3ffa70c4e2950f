//! Generates a realistic corpus of helpdesk events for benchmarks: mostly
//! `helpdesk.ticket.updated_v1` with varied `old_object` subsets, some
//! created and message events, Chinese and emoji names, agents, 0-3
//! customized fields, redeliveries. Deterministic for a given seed.
//!
//!     cargo run --release --example gen_corpus -- --events 200000 --encrypt-key KEY > corpus.enc.ndjson
//!     cargo run --release --example gen_corpus -- --events 200000 > corpus.ndjson

use std::io::{self, BufWriter, Write};

use lark_ticket::crypto;
use lark_ticket::secret::Secret;
use serde_json::{Value, json};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    }
}

const NAMES: [&str; 8] = [
    "张三",
    "李四 🎧",
    "王小明",
    "Alice Zhang",
    "陈静 ✨",
    "Bob",
    "刘洋🚀",
    "-",
];
const FIELDS: [(&str, &str); 4] = [
    ("order_no", "订单号"),
    ("device", "设备型号 📱"),
    ("priority", "优先级"),
    ("region", "Region"),
];
const STATUSES: [i64; 8] = [1, 2, 3, 4, 5, 50, 51, 52];

fn user(rng: &mut Rng) -> Value {
    json!({
        "id": {"union_id": format!("on_{}", rng.hex(32)), "user_id": rng.hex(8), "open_id": format!("ou_{}", rng.hex(32))},
        "name": rng.pick(&NAMES),
    })
}

fn header(rng: &mut Rng, event_type: &str, time: i64) -> Value {
    json!({
        "event_id": rng.hex(32),
        "event_type": event_type,
        "create_time": time.to_string(),
        "token": "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV",
        "app_id": "cli_9f5343c580712544",
        "tenant_key": "2ca1d211f64f6438",
    })
}

fn ticket(rng: &mut Rng, id: u64, time: i64) -> Value {
    let mut t = json!({
        "ticket_id": format!("{}", 6_626_871_355_780_000_000_u64 + id),
        "helpdesk_id": "6626871355780366330",
        "guest": user(rng),
        "stage": 1 + rng.below(2),
        "status": rng.pick(&STATUSES),
        "score": rng.below(4),
        "created_at": time - 3_600_000,
        "updated_at": time,
        "closed_at": 0,
        "channel": rng.pick(&[0, 2, 9, 13, 14]),
        "solve": 1 + rng.below(2),
        "chat_id": format!("oc_{}", rng.hex(32)),
    });
    let n_agents = rng.below(3);
    t["agents"] = Value::Array((0..n_agents).map(|_| user(rng)).collect());
    let n_fields = rng.below(4) as usize;
    let fields: Vec<Value> = (0..n_fields)
        .map(|i| {
            let (key, display) = FIELDS[i];
            json!({"id": format!("{}", 7000 + i), "value": format!("值-{}", rng.hex(6)), "key_name": key,
                   "display_name": display, "position": i + 1, "required": i == 0, "editable": true})
        })
        .collect();
    if !fields.is_empty() {
        t["customized_fields"] = Value::Array(fields);
    }
    t
}

fn event(rng: &mut Rng, i: u64) -> Value {
    let time = 1_700_000_000_000 + (i as i64) * 1000;
    let id = rng.below(20_000);
    match rng.below(20) {
        0 => json!({"schema": "2.0", "header": header(rng, "helpdesk.ticket.created_v1", time),
                    "event": {"object": ticket(rng, id, time)}}),
        1 => {
            json!({"schema": "2.0", "header": header(rng, "helpdesk.ticket_message.created_v1", time),
                    "event": {"ticket_message_id": rng.hex(19), "message_id": format!("om_{}", rng.hex(32)), "msg_type": "text",
                              "position": rng.below(50), "sender_id": {"open_id": format!("ou_{}", rng.hex(32))}, "sender_type": 1 + rng.below(3),
                              "text": "请问我的订单什么时候发货？🙏", "ticket": {"ticket_id": format!("{}", 6_626_871_355_780_000_000_u64 + id), "status": 2}}})
        }
        _ => {
            let object = ticket(rng, id, time);
            let mut old = serde_json::Map::new();
            match rng.below(4) {
                0 => {
                    old.insert("status".into(), json!(rng.pick(&STATUSES)));
                }
                1 => {
                    old.insert("stage".into(), json!(1));
                    old.insert("updated_at".into(), json!(time - 60_000));
                }
                _ => {
                    old.insert("stage".into(), json!(1 + rng.below(2)));
                    old.insert("status".into(), json!(rng.pick(&STATUSES)));
                    old.insert("updated_at".into(), json!(time - 60_000));
                }
            }
            json!({"schema": "2.0", "header": header(rng, "helpdesk.ticket.updated_v1", time),
                   "event": {"object": object, "old_object": old}})
        }
    }
}

fn main() -> anyhow::Result<()> {
    let mut events = 10_000u64;
    let mut key = None;
    let mut seed = 0x1a2b_3c4d_5e6f_7081_u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => events = args.next().unwrap_or_default().parse()?,
            "--encrypt-key" => key = args.next().map(Secret::new),
            "--seed" => seed = args.next().unwrap_or_default().parse()?,
            other => anyhow::bail!(
                "unknown argument {other}; use --events N [--encrypt-key KEY] [--seed N]"
            ),
        }
    }
    let mut rng = Rng(seed);
    // IVs come from their own generator, so the plain and the encrypted
    // corpus of one seed hold the same events.
    let mut iv_rng = Rng(seed ^ 0x9e37_79b9_7f4a_7c15);
    let mut out = BufWriter::new(io::stdout().lock());
    for i in 0..events {
        let plain = event(&mut rng, i).to_string();
        match &key {
            Some(key) => {
                let mut iv16 = [0u8; 16];
                iv16[..8].copy_from_slice(&iv_rng.next().to_le_bytes());
                iv16[8..].copy_from_slice(&iv_rng.next().to_le_bytes());
                let enc = crypto::encrypt(key, plain.as_bytes(), Some(iv16))?;
                writeln!(out, "{{\"encrypt\":\"{enc}\"}}")?;
            }
            None => writeln!(out, "{plain}")?,
        }
    }
    out.flush()?;
    Ok(())
}
