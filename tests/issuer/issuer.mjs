#!/usr/bin/env node
// Local token issuer for pam_oauth2 integration tests.
//
//   node tests/issuer/issuer.mjs --state-file PATH
//
// Starts, on 127.0.0.1 with OS-chosen ports:
//   * the oauth2-mock-server OAuth2 service (one RS256 key) whose token and
//     userinfo endpoints are customised through the library's hooks;
//   * a small "faults" HTTP server for misbehaving-issuer tests.
// When both listen, PATH is written atomically (PATH.tmp + rename) as JSON.
// SIGTERM/SIGINT close both servers and exit 0. Errors go to stderr; tokens
// are never printed.

import { createServer } from 'node:http';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { AssertionError } from 'node:assert';
import { writeFileSync, renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';
import { decodeJwt, decodeProtectedHeader } from 'jose';

const HOST = '127.0.0.1';
const MAX_PAD = 1024 * 1024; // refuse absurd pad= values (bytes)
// Node's default limit on request headers is 16 KiB in total, which rejects
// (HTTP 431) Authorization headers carrying tokens of ~16.2 KB and up. The
// issuer must not be the bottleneck in token-size tests, so allow more.
const MAX_HEADER_BYTES = 64 * 1024;
const BIG_BODY_BYTES = 2 * 1024 * 1024; // /big body size
const BIG_CHUNK = 64 * 1024;

// Claims that are token plumbing, not user attributes: not echoed by userinfo.
const NON_USER_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'scope']);

function log(...args) {
  console.error('issuer:', ...args);
}

function parseCli() {
  const { values } = parseArgs({
    options: { 'state-file': { type: 'string' } },
    strict: true,
  });
  if (!values['state-file']) {
    throw new Error('usage: node issuer.mjs --state-file PATH');
  }
  return values['state-file'];
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

// Parses an optional integer form field; throws AssertionError (the library
// turns that into HTTP 400 invalid_request) when malformed.
function intField(body, name, { min = -Infinity, max = Infinity } = {}) {
  const v = body[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
    throw new AssertionError({ message: `Invalid '${name}': expected an integer` });
  }
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new AssertionError({ message: `Invalid '${name}': out of range` });
  }
  return n;
}

// ---------------------------------------------------------------------------
// (a) OAuth2 server
// ---------------------------------------------------------------------------

let userinfoCount = 0;
let faultsCount = 0;

// This is what oauth2-mock-server's OAuth2Server does internally
// (OAuth2Issuer + OAuth2Service + http.createServer(service.requestHandler)),
// except that OAuth2Server offers no way to pass maxHeaderSize.
const issuer = new OAuth2Issuer();
const service = new OAuth2Service(issuer);
const oauthHttp = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, service.requestHandler);

// Public keys of the server's own JWKS, by kid. Filled in by main() after the
// single RS256 key is generated; fixed for the lifetime of the process.
let publicKeys = new Map();

// Synchronous JWT verification. The library emits 'beforeUserinfo' with a
// plain synchronous EventEmitter.emit() and sends the response right after it
// returns, so the hook cannot await jose.jwtVerify(). jose is used for the
// (synchronous) decoding; node:crypto checks the RS256 signature against the
// server's own public keys.
function verifyAccessToken(jwt) {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  const header = decodeProtectedHeader(jwt);
  if (header.alg !== 'RS256') throw new Error('unexpected alg');
  if (header.crit !== undefined) throw new Error('unsupported crit');
  const key = publicKeys.get(header.kid);
  if (!key) throw new Error('unknown kid');
  const ok = cryptoVerify(
    'RSA-SHA256',
    Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'),
    key,
    Buffer.from(parts[2], 'base64url'),
  );
  if (!ok) throw new Error('bad signature');
  const claims = decodeJwt(jwt);
  const now = nowSeconds();
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new Error('expired');
  if (typeof claims.nbf === 'number' && claims.nbf > now) throw new Error('not yet valid');
  if (claims.iss !== issuer.url) throw new Error('wrong issuer');
  return claims;
}

// Token endpoint: shape the claims from the POSTed form body.
service.on('beforeTokenSigning', (token, req) => {
  const body = req.body ?? {};
  const { username, grp } = body;
  if (username !== undefined) {
    if (typeof username !== 'string' || username === '') {
      throw new AssertionError({ message: "Invalid 'username'" });
    }
    token.payload.preferred_username = username;
    token.payload.sub = `id-${username}`;
    token.payload.email = `${username}@example.com`;
  }
  if (grp !== undefined) {
    if (typeof grp !== 'string') throw new AssertionError({ message: "Invalid 'grp'" });
    token.payload.grp = grp;
  }
  const expiresIn = intField(body, 'expires_in');
  if (expiresIn !== undefined) {
    const now = nowSeconds();
    token.payload.iat = now;
    token.payload.exp = now + expiresIn;
  }
  const pad = intField(body, 'pad', { min: 0, max: MAX_PAD });
  if (pad !== undefined) token.payload.pad = 'x'.repeat(pad);
});

// Make the token response's expires_in match the token's real lifetime.
service.on('beforeResponse', (response) => {
  try {
    const at = response.body?.access_token;
    if (typeof at === 'string') {
      const { exp } = decodeJwt(at);
      if (typeof exp === 'number') response.body.expires_in = exp - nowSeconds();
    }
  } catch {
    /* leave the library's default */
  }
});

// Userinfo: require a valid Bearer JWT signed by this server.
service.on('beforeUserinfo', (response, req) => {
  userinfoCount += 1;
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer +([^ ]+) *$/i.exec(auth) : null;
  let claims;
  try {
    if (!m) throw new Error('missing bearer token');
    claims = verifyAccessToken(m[1]);
  } catch {
    response.statusCode = 401;
    response.body = { error: 'invalid_token' };
    // Express exposes the response object on req; add the RFC 6750 header.
    req.res?.set?.('WWW-Authenticate', 'Bearer error="invalid_token"');
    return;
  }
  const out = {};
  for (const [k, v] of Object.entries(claims)) {
    if (!NON_USER_CLAIMS.has(k)) out[k] = v;
  }
  response.statusCode = 200;
  response.body = out;
});

// ---------------------------------------------------------------------------
// (b) faults server
// ---------------------------------------------------------------------------

let userinfoUrl; // filled in once the OAuth2 server listens

function sendJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendRaw(res, status, contentType, body) {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

// Streams {"preferred_username":"alice","pad":"xxx…"} of exactly
// BIG_BODY_BYTES bytes, chunked, honouring back-pressure and client aborts.
function sendBig(res) {
  const head = '{"preferred_username":"alice","pad":"';
  const tail = '"}';
  let remaining = BIG_BODY_BYTES - head.length - tail.length;
  const chunk = Buffer.alloc(BIG_CHUNK, 'x');
  let aborted = false;
  res.on('close', () => {
    aborted = true;
  });
  res.writeHead(200, { 'Content-Type': 'application/json' }); // chunked, no Content-Length
  res.write(head);
  const pump = () => {
    while (!aborted && remaining > 0) {
      const n = Math.min(remaining, chunk.length);
      remaining -= n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!aborted) res.end(tail);
  };
  pump();
}

const faults = createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  const path = url.pathname;
  if (path !== '/__stats') faultsCount += 1;

  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendJson(res, 405, { error: 'method_not_allowed' });
    return;
  }

  switch (path) {
    case '/hang':
      // Never answer. The socket stays open until the client goes away or
      // the server shuts down (closeAllConnections). No timers involved.
      req.resume();
      return;
    case '/status/500':
      sendJson(res, 500, { error: 'server_error' });
      return;
    case '/status/503':
      sendJson(res, 503, { error: 'server_error' });
      return;
    case '/html':
      sendRaw(res, 200, 'text/html', '<html>login page</html>');
      return;
    case '/notjson':
      sendRaw(res, 200, 'application/json', 'this is not json');
      return;
    case '/array':
      sendRaw(res, 200, 'application/json', '["alice"]');
      return;
    case '/big':
      sendBig(res);
      return;
    case '/redirect':
      res.writeHead(302, { Location: userinfoUrl, 'Content-Length': 0 });
      res.end();
      return;
    case '/claims':
      sendJson(res, 200, Object.fromEntries(url.searchParams));
      return;
    case '/__stats':
      sendJson(res, 200, { userinfo: userinfoCount, faults: faultsCount });
      return;
    default:
      sendJson(res, 404, { error: 'not_found' });
  }
});
faults.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});

// ---------------------------------------------------------------------------
// (c) start, state file, shutdown
// ---------------------------------------------------------------------------

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

function writeStateAtomically(path, state) {
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(state)}\n`, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  // Safety net: never hang on exit.
  setTimeout(() => process.exit(0), 3000).unref();
  const closeFaults = new Promise((resolve) => {
    faults.close(() => resolve());
    faults.closeAllConnections(); // includes /hang sockets and /big streams
  });
  const closeOauth = new Promise((resolve) => {
    oauthHttp.close(() => resolve());
    oauthHttp.closeAllConnections();
  });
  await Promise.allSettled([closeFaults, closeOauth]);
  process.exit(0);
}

async function main() {
  const statePath = parseCli();
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());

  await issuer.keys.generate('RS256');
  publicKeys = new Map(
    issuer.keys
      .toJSON()
      .map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]),
  );

  const oauthPort = await listen(oauthHttp);
  // (OAuth2Server would name the issuer http://localhost:PORT for a loopback
  // bind.) Use the address actually bound, so that the discovery document,
  // the tokens' iss and the state file all agree.
  issuer.url = `http://${HOST}:${oauthPort}`;
  const faultsPort = await listen(faults);

  // Take the endpoint URLs from the library's own discovery document.
  const disco = await (
    await fetch(`${issuer.url}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    })
  ).json();
  userinfoUrl = disco.userinfo_endpoint;

  writeStateAtomically(statePath, {
    issuer: disco.issuer,
    userinfo: disco.userinfo_endpoint,
    token_endpoint: disco.token_endpoint,
    faults: `http://${HOST}:${faultsPort}`,
    pid: process.pid,
  });
}

main().catch((err) => {
  log('fatal:', err?.message ?? err);
  process.exit(1);
});
