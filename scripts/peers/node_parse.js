// Peer for the benchmark: what a user would script instead of
// `parse -o json`: JSON.parse each line (decrypted first with the official
// Node SDK's AESCipher when an Encrypt Key is given), then JSON.stringify
// its envelope, ticket and old_object, one line per record.
//   node node_parse.js EVENTS.ndjson [ENCRYPT_KEY]
const fs = require('fs');
const readline = require('readline');
const file = process.argv[2];
const key = process.argv[3];
const cipher = key ? new (require('@larksuiteoapi/node-sdk').AESCipher)(key) : null;
const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
const out = [];
const flush = () => { if (out.length) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; } };
let line_no = 0;
rl.on('line', (line) => {
  line_no += 1;
  if (!line) return;
  let ev = JSON.parse(line);
  const encrypted = ev.encrypt !== undefined;
  if (encrypted) ev = JSON.parse(cipher.decrypt(ev.encrypt));
  const header = ev.header || {};
  const event = ev.event || {};
  out.push(JSON.stringify({
    source: `${file}:${line_no}`, schema: ev.schema, encrypted,
    event_type: header.event_type, event_id: header.event_id, create_time: header.create_time,
    app_id: header.app_id, tenant_key: header.tenant_key,
    ticket: event.object || event.ticket || null, old_object: event.old_object || null,
  }));
  if (out.length >= 4096) flush();
});
rl.on('close', flush);
