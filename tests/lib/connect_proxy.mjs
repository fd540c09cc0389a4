#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// An HTTP proxy for the proxy tests that tunnels every CONNECT, whatever
// host it names, to one target (the test issuer's TLS listener), so that a
// "remote" issuer name (idp.example) needs no DNS; it can add headers of
// its own to its CONNECT reply, as a hostile proxy would.
//
//   node connect_proxy.mjs --state-file PATH --log PATH --target HOST:PORT
//                          [--connect-header 'Name: value']...
//
// Listens on 127.0.0.1 (an OS-chosen port); when it does, PATH is written
// atomically as {"port": N}.  Each request is logged as one line
// "CONNECT host:port" or "METHOD url"; anything but CONNECT is answered 403.
// SIGTERM/SIGINT end it.

import { createServer } from 'node:http';
import { connect } from 'node:net';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'state-file': { type: 'string' },
    log: { type: 'string' },
    target: { type: 'string' },
    'connect-header': { type: 'string', multiple: true, default: [] },
  },
});
if (!values['state-file'] || !values.log || !/^[^:]+:\d+$/.test(values.target ?? '')) {
  console.error('usage: node connect_proxy.mjs --state-file PATH --log PATH --target HOST:PORT ' +
    "[--connect-header 'Name: value']...");
  process.exit(2);
}
const [targetHost, targetPort] = values.target.split(':');
const extraHeaders = values['connect-header'].map((h) => `${h}\r\n`).join('');
const note = (line) => appendFileSync(values.log, `${line}\n`);

const server = createServer((req, res) => {
  note(`${req.method} ${req.url}`);
  res.writeHead(403, { 'Content-Type': 'text/plain' });
  res.end('only CONNECT\n');
});
server.on('connect', (req, client, head) => {
  note(`CONNECT ${req.url}`);
  const upstream = connect(Number(targetPort), targetHost, () => {
    client.write(`HTTP/1.1 200 Connection established\r\n${extraHeaders}\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const close = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on('error', () => {
    if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    close();
  });
  client.on('error', close);
});
server.listen(0, '127.0.0.1', () => {
  const tmp = `${values['state-file']}.tmp`;
  writeFileSync(tmp, JSON.stringify({ port: server.address().port }));
  renameSync(tmp, values['state-file']);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => process.exit(0));
}
