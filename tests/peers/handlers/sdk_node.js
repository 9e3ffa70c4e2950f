#!/usr/bin/env node
// The official Node SDK's (@larksuiteoapi/node-sdk) webhook event handling,
// served as its README shows: an EventDispatcher behind
// lark.adaptDefault('/webhook/event', dispatcher, {autoChallenge: true}) on
// http.createServer, as a handler to test senders against.
//
//   node sdk_node.js [--key K] [--token T] --log LOG.ndjson \
//       [--lifetime S] [--exit-on-stdin-eof] [--crash-on-rejection]
//
// Run with NODE_PATH at the node_modules holding the SDK. Prints
// {"url": "http://127.0.0.1:P/webhook/event"} when ready; the log format and
// what the wrapper adds around the adapter are in README.md.
'use strict';

const fs = require('fs');
const http = require('http');
const lark = require('@larksuiteoapi/node-sdk');

const PATH = '/webhook/event';
const START = process.hrtime.bigint();

function parseArgs(argv) {
  const args = { lifetime: 300, exitOnStdinEof: false, crashOnRejection: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--key') args.key = value();
    else if (a === '--token') args.token = value();
    else if (a === '--log') args.log = value();
    else if (a === '--lifetime') args.lifetime = Number(value());
    else if (a === '--exit-on-stdin-eof') args.exitOnStdinEof = true;
    else if (a === '--crash-on-rejection') args.crashOnRejection = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.log) throw new Error('--log is required');
  return args;
}

const args = parseArgs(process.argv.slice(2));
const logFd = fs.openSync(args.log, 'w');
const log = (kind, fields) => fs.writeSync(logFd, `${JSON.stringify({ kind, ...fields })}\n`);
const seconds = () => Math.round(Number(process.hrtime.bigint() - START) / 1e5) / 1e4;

// The SDK's default logger writes to stdout, which carries the ready line.
const stderr = (level) => (...msg) => process.stderr.write(`[${level}] ${msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}\n`);
const logger = { error: stderr('error'), warn: stderr('warn'), info: stderr('info'), debug: stderr('debug'), trace: stderr('trace') };

const dispatcher = new lark.EventDispatcher({
  encryptKey: args.key,
  verificationToken: args.token,
  logger,
}).register({
  // parse() spreads the schema 2.0 header and event into one object.
  'helpdesk.ticket.updated_v1': async (data) => {
    log('handled', { event_id: data.event_id, event_type: data.event_type });
  },
});

const adapter = lark.adaptDefault(PATH, dispatcher, { autoChallenge: true });

// Either UTF-8 text or base64, like the Python handlers' log.
function textOrBase64(name, buf) {
  const text = buf.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(buf)) return { [name]: text };
  return { [`${name}_base64`]: buf.toString('base64') };
}

function toBuffer(chunk, encoding) {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return Buffer.alloc(0);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? encoding : 'utf8');
}

const headersAsReceived = (req) => {
  const out = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
};

const server = http.createServer((req, res) => {
  const received = seconds();
  // A second 'data' listener, added before the adapter's own: both see
  // every chunk, the adapter's reading is left as it is.
  const chunks = [];
  req.on('data', (c) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
  const written = [];
  const record = (status, extra) => log('request', {
    t: received,
    method: req.method,
    path: req.url,
    headers: headersAsReceived(req),
    ...textOrBase64('body', Buffer.concat(chunks)),
    status,
    ...textOrBase64('response', Buffer.concat(written)),
    ...extra,
  });
  // res.end wrapped to log what the adapter answers, before it is sent (a
  // client that has the answer finds the record in the log).
  let extra = {};
  const { write, end } = res;
  res.write = function wrappedWrite(chunk, encoding, cb) {
    written.push(toBuffer(chunk, encoding));
    return write.call(this, chunk, encoding, cb);
  };
  res.end = function wrappedEnd(chunk, encoding, cb) {
    written.push(toBuffer(chunk, encoding));
    record(res.statusCode, extra);
    return end.call(this, chunk, encoding, cb);
  };
  adapter(req, res).then(
    () => {
      if (res.writableEnded) return;
      // adaptDefault returns without answering a request for another path
      // (it would hang); the wrapper answers 404 once the body is in.
      const answer = () => {
        extra = { answered_by: 'wrapper' };
        res.statusCode = 404;
        res.end('not found');
      };
      if (req.complete) answer();
      else req.on('end', answer);
    },
    (err) => {
      // An unhandled rejection: a bare adaptDefault server process exits
      // here (Node >= 15). The wrapper closes the connection without an
      // answer, as the dying process would, and keeps serving unless
      // --crash-on-rejection.
      const error = String(err && err.message ? err.message : err);
      record(null, { rejection: error });
      res.destroy();
      if (args.crashOnRejection) {
        setImmediate(() => {
          throw err;
        });
      }
    },
  );
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}${PATH}` })}\n`);
});
setTimeout(() => process.exit(0), args.lifetime * 1000).unref();
if (args.exitOnStdinEof) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
