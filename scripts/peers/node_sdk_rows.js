// Peer for the benchmark: what a user would script with the official Node
// SDK: its AESCipher + JSON.parse, one NDJSON row per old_object field.
//   node node_sdk_rows.js EVENTS.ndjson ENCRYPT_KEY
const fs = require('fs');
const readline = require('readline');
const { AESCipher } = require('@larksuiteoapi/node-sdk');
const cipher = new AESCipher(process.argv[3]);
const rl = readline.createInterface({ input: fs.createReadStream(process.argv[2]), crlfDelay: Infinity });
const out = [];
const flush = () => { if (out.length) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; } };
rl.on('line', (line) => {
  if (!line) return;
  let ev = JSON.parse(line);
  if (ev.encrypt !== undefined) ev = JSON.parse(cipher.decrypt(ev.encrypt));
  if (!ev.header || ev.header.event_type !== 'helpdesk.ticket.updated_v1') return;
  const obj = ev.event.object, old = ev.event.old_object || {};
  for (const field of Object.keys(old)) {
    out.push(JSON.stringify({ ticket_id: obj.ticket_id, event_id: ev.header.event_id, field,
      from: old[field], to: obj[field], changed: old[field] !== obj[field] }));
  }
  if (out.length >= 4096) flush();
});
rl.on('close', flush);
