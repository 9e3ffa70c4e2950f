// Peer for the start-up benchmark: a fresh Node process that loads the
// official SDK and decrypts one payload, printing the event's state.
//   node node_sdk_one.js PAYLOAD.json ENCRYPT_KEY
const fs = require('fs');
const { AESCipher } = require('@larksuiteoapi/node-sdk');
const wrapper = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ev = JSON.parse(new AESCipher(process.argv[3]).decrypt(wrapper.encrypt));
const obj = ev.event.object || {};
console.log(JSON.stringify({ event_type: ev.header.event_type, ticket_id: obj.ticket_id,
  stage: obj.stage, status: obj.status, old_object: ev.event.old_object }));
