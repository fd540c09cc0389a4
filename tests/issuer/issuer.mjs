#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Local token issuer for pam_oauth2 integration tests.
//
//   node tests/issuer/issuer.mjs --state-file PATH [--tls-dir DIR]
//
// Starts, on 127.0.0.1 with OS-chosen ports:
//   * the oauth2-mock-server OAuth2 service whose token and userinfo endpoints
//     are customised through the library's hooks. Its key store holds one key
//     per alg (RS256, PS256, ES256, EdDSA); /token always signs with the
//     current RS256 key. GET /jwks is answered here, not by the library, so
//     that keys can be withdrawn and Cache-Control set (the library has no
//     hook for it and no way to remove a key);
//     POST /introspect (RFC 7662) is answered here too: the library's route
//     has no form-body parser, so its beforeIntrospect hook cannot see the
//     token. It authenticates the client pam-db and knows both the issuer's
//     JWTs and the opaque tokens minted through /__mint_opaque;
//   * a small "faults" HTTP server for misbehaving-issuer tests, discovery
//     variants, misbehaving introspection endpoints (/introspect/...) and the
//     control endpoints /__mint, /__mint_opaque, /__rotate, /__jwks_max_age,
//     /__revoke and /__stats.
//   * the OAuth2 service again on 127.0.0.2 (where the faults server's
//     /moved points: no client should ever get there);
//   * with --tls-dir, the OAuth2 service over HTTPS three times, with
//     DIR/server.pem (good), DIR/wronghost.pem (another host name) and
//     DIR/selfsigned.pem (unknown CA), each with its .key.
// When all listen, PATH is written atomically (PATH.tmp + rename) as JSON.
// SIGTERM/SIGINT close both servers and exit 0. Errors go to stderr; tokens
// are never printed.

import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  constants as cryptoConstants,
  createHash,
  createPublicKey,
  randomBytes,
  randomUUID,
  timingSafeEqual,
  verify as cryptoVerify,
} from 'node:crypto';
import { AssertionError } from 'node:assert';
import { readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
const HUGE_BODY_BYTES = 100 * 1000 * 1000; // /huge body size (100 MB)
const DRIP_INTERVAL_MS = 200; // /drip: one byte this often
const DRIP_MAX_BYTES = 3000; // /drip gives up after 10 minutes
const DEEP_LEVELS = 100000; // /deep nesting depth
const BIG_HEADER_BYTES = 1024 * 1024; // /bigheader header value
// The second loopback host /moved points at (nothing the module may reach).
const OTHER_HOST = '127.0.0.2';
// Certificates in --tls-dir, made by the tests with the openssl CLI:
// [listener, certificate file, key file]
const TLS_LISTENERS = [
  ['https', 'server.pem', 'server.key'], // signed by ca.pem, for 127.0.0.1, localhost, idp.example
  ['https_wrong_host', 'wronghost.pem', 'wronghost.key'], // signed by ca.pem, for other.example only
  ['https_unknown_ca', 'selfsigned.pem', 'selfsigned.key'], // self-signed, right names
];
const MAX_MINT_BODY = 1024 * 1024; // POST /__mint form body limit (bytes)
const MAX_REL_SECONDS = 100 * 366 * 24 * 3600; // bound for nbf_in / iat_in
const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA']; // one current key each
const DEFAULT_ALG = 'RS256'; // what /token signs with
const DEFAULT_TTL = 3600; // the library's default token lifetime

// The one confidential client allowed to call POST /introspect (test-only
// credentials, documented in README.md; never printed).
const INTROSPECT_CLIENT_ID = 'pam-db';
const INTROSPECT_CLIENT_SECRET = 's3cret-for-tests';
// client_id reported by introspection for opaque tokens (the client the token
// was notionally issued to, not the introspecting client).
const OPAQUE_CLIENT_ID = 'some-client';

// Claims that are token plumbing, not user attributes: not echoed by userinfo.
const NON_USER_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'scope']);

function log(...args) {
  console.error('issuer:', ...args);
}

function parseCli() {
  const { values } = parseArgs({
    options: { 'state-file': { type: 'string' }, 'tls-dir': { type: 'string' } },
    strict: true,
  });
  if (!values['state-file']) {
    throw new Error('usage: node issuer.mjs --state-file PATH [--tls-dir DIR]');
  }
  return { statePath: values['state-file'], tlsDir: values['tls-dir'] };
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

const bad = (message) => new AssertionError({ message });

// An optional single-valued string form field (a repeated field arrives as an
// array and is refused).
function strField(body, name) {
  const v = body[name];
  if (v !== undefined && typeof v !== 'string') throw bad(`Invalid '${name}': expected one string`);
  return v;
}

// A form field holding a JSON object; undefined when absent or empty.
function objectField(body, name) {
  const text = strField(body, name);
  if (text === undefined || text === '') return undefined;
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad(`Invalid '${name}': not JSON`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw bad(`Invalid '${name}': expected a JSON object`);
  }
  return v;
}

// Validates every token-shaping form field up front and returns what to do.
// Shared by POST /token (through the beforeTokenSigning hook) and POST /__mint.
function parseTokenFields(body) {
  const f = {};
  const { username, grp } = body;
  if (username !== undefined) {
    if (typeof username !== 'string' || username === '') throw bad("Invalid 'username'");
    f.username = username;
  }
  if (grp !== undefined) {
    if (typeof grp !== 'string') throw bad("Invalid 'grp'");
    f.grp = grp;
  }
  f.expiresIn = intField(body, 'expires_in');
  f.pad = intField(body, 'pad', { min: 0, max: MAX_PAD });
  f.iatIn = intField(body, 'iat_in', { min: -MAX_REL_SECONDS, max: MAX_REL_SECONDS });
  f.nbfIn = intField(body, 'nbf_in', { min: -MAX_REL_SECONDS, max: MAX_REL_SECONDS });

  // aud: comma-separated; a repeated field (aud=a&aud=b) is accepted too.
  if (body.aud !== undefined) {
    const raw = Array.isArray(body.aud) ? body.aud : [body.aud];
    if (!raw.every((v) => typeof v === 'string')) throw bad("Invalid 'aud'");
    if (raw.length === 1 && raw[0] === '') {
      f.aud = null; // remove the claim
    } else {
      const list = raw.flatMap((v) => v.split(','));
      if (list.some((v) => v === '')) throw bad("Invalid 'aud': empty audience");
      f.aud = list.length === 1 ? list[0] : list;
    }
  }

  const noExp = strField(body, 'no_exp');
  if (noExp !== undefined && !['', '0', '1'].includes(noExp)) throw bad("Invalid 'no_exp': 0 or 1");
  f.noExp = noExp === '1';

  const iss = strField(body, 'iss');
  if (iss !== undefined) f.iss = iss === '' ? null : iss;

  const typ = strField(body, 'typ');
  if (typ !== undefined) f.typ = typ === '' ? null : typ;

  const kid = strField(body, 'kid');
  if (kid !== undefined && kid !== '' && kid !== 'omit') throw bad("Invalid 'kid': only 'omit'");
  f.omitKid = kid === 'omit';

  const alg = strField(body, 'alg');
  if (alg !== undefined && alg !== '' && !ALGS.includes(alg)) {
    throw bad(`Invalid 'alg': one of ${ALGS.join(', ')}`);
  }
  f.alg = alg || DEFAULT_ALG;

  const h = objectField(body, 'header_json');
  if (h !== undefined) {
    for (const k of ['alg', 'crit', 'b64']) {
      if (k in h) throw bad(`Invalid 'header_json': '${k}' cannot be set`);
    }
    f.header = h;
  }

  // extra_json: a JSON object merged into the claims last (Keycloak-shaped
  // claims such as realm_access, groups, email_verified).
  const x = objectField(body, 'extra_json');
  if (x !== undefined) {
    if (Object.hasOwn(x, '__proto__')) throw bad("Invalid 'extra_json': '__proto__' cannot be set");
    f.extra = x;
  }
  return f;
}

// Applies parsed fields to the unsigned token. The library then signs
// {typ: 'JWT', ...header, alg: <key's alg>}, so header members set to
// undefined or deleted here are absent from the token.
function applyTokenFields(header, payload, f) {
  // Two tokens minted in the same second would otherwise be the same bytes,
  // and the module's verdict cache would rightly treat them as one token.
  payload.jti = randomUUID();
  if (f.username !== undefined) {
    payload.preferred_username = f.username;
    payload.sub = `id-${f.username}`;
    payload.email = `${f.username}@example.com`;
  }
  if (f.grp !== undefined) payload.grp = f.grp;
  const now = nowSeconds();
  if (f.expiresIn !== undefined) {
    payload.iat = now;
    payload.exp = now + f.expiresIn;
  }
  if (f.iatIn !== undefined) payload.iat = now + f.iatIn;
  if (f.nbfIn !== undefined) payload.nbf = now + f.nbfIn;
  if (f.noExp) delete payload.exp;
  if (f.iss === null) delete payload.iss;
  else if (f.iss !== undefined) payload.iss = f.iss;
  if (f.aud === null) delete payload.aud;
  else if (f.aud !== undefined) payload.aud = f.aud;
  if (f.pad !== undefined) payload.pad = 'x'.repeat(f.pad);
  if (f.extra) Object.assign(payload, f.extra);

  if (f.omitKid) delete header.kid;
  if (f.typ === null) header.typ = undefined;
  else if (f.typ !== undefined) header.typ = f.typ;
  if (f.header) Object.assign(header, f.header);
}

// ---------------------------------------------------------------------------
// (a) OAuth2 server
// ---------------------------------------------------------------------------

const stats = {
  userinfo: 0,
  faults: 0,
  jwks: 0,
  discovery: 0,
  jku_trap: 0,
  introspect: 0,
  other_host: 0, // requests to the 127.0.0.2 listener (where /moved points)
  huge_bytes: 0, // body bytes /huge handed to its sockets, all requests together
};
let jwksMaxAge = null; // seconds for Cache-Control on GET /jwks, or null

// This is what oauth2-mock-server's OAuth2Server does internally
// (OAuth2Issuer + OAuth2Service + http.createServer(service.requestHandler)),
// except that OAuth2Server offers no way to pass maxHeaderSize, and that the
// JWKS and discovery paths are seen here first (see frontHandler).
const issuer = new OAuth2Issuer();
const service = new OAuth2Service(issuer);

// Keys that are served in the JWKS and accepted by userinfo, by kid. The
// library's key store also keeps withdrawn keys (it cannot remove one), but
// they are never served, never accepted and never used for signing.
const keyring = new Map(); // kid -> { alg, publicKey, seq }
const currentKid = {}; // alg -> kid of the key that signs new tokens
let keySeq = 0;

async function generateKey(alg) {
  const jwk = await issuer.keys.generate(alg);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  keyring.set(jwk.kid, {
    alg,
    publicKey: createPublicKey({ key: pub, format: 'jwk' }),
    seq: keySeq++,
  });
  return jwk.kid;
}

// The library picks the signing key round-robin when no kid is asked for
// (keys.get(undefined) returns the first key and moves it to the end), and its
// token endpoint never asks for one. Keep the current RS256 key first by
// moving every other key to the end, in order, through the public keys.get(kid).
function normalizeKeyOrder() {
  const cur = currentKid[DEFAULT_ALG];
  for (const { kid } of issuer.keys.toJSON()) {
    if (kid !== cur) issuer.keys.get(kid);
  }
}
// Emitted synchronously by issuer.buildToken() after it has taken its key.
issuer.on('beforeSigning', normalizeKeyOrder);

function servedJwks() {
  return {
    keys: issuer.keys
      .toJSON()
      .filter((k) => keyring.has(k.kid))
      .sort((a, b) => keyring.get(a.kid).seq - keyring.get(b.kid).seq),
  };
}

// POST /__rotate: a new current key for alg; dropOld withdraws the others.
async function rotateKey(alg, dropOld) {
  const older = [...keyring].filter(([, k]) => k.alg === alg).map(([kid]) => kid);
  const kid = await generateKey(alg);
  currentKid[alg] = kid;
  if (dropOld) for (const old of older) keyring.delete(old);
  normalizeKeyOrder();
  return kid;
}

const sigInput = (parts) => Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
const VERIFIERS = {
  RS256: (data, key, sig) => cryptoVerify('RSA-SHA256', data, key, sig),
  PS256: (data, key, sig) =>
    cryptoVerify(
      'sha256',
      data,
      { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      sig,
    ),
  ES256: (data, key, sig) => cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig),
  EdDSA: (data, key, sig) => cryptoVerify(null, data, key, sig),
};

// Synchronous JWT verification. The library emits 'beforeUserinfo' with a
// plain synchronous EventEmitter.emit() and sends the response right after it
// returns, so the hook cannot await jose.jwtVerify(). jose is used for the
// (synchronous) decoding; node:crypto checks the signature against the keys
// currently served in the JWKS. The header alg must be the key's alg. A token
// without kid is tried against every served key of its alg.
function verifyAccessToken(jwt) {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  const header = decodeProtectedHeader(jwt);
  const verifier =
    typeof header.alg === 'string' && Object.hasOwn(VERIFIERS, header.alg)
      ? VERIFIERS[header.alg]
      : undefined;
  if (!verifier) throw new Error('unexpected alg');
  if (header.crit !== undefined) throw new Error('unsupported crit');
  let candidates;
  if (header.kid === undefined) {
    candidates = [...keyring.values()];
  } else {
    const k = typeof header.kid === 'string' ? keyring.get(header.kid) : undefined;
    if (!k) throw new Error('unknown kid');
    candidates = [k];
  }
  const data = sigInput(parts);
  const sig = Buffer.from(parts[2], 'base64url');
  const ok = candidates.some((k) => {
    if (k.alg !== header.alg) return false;
    try {
      return verifier(data, k.publicKey, sig);
    } catch {
      return false;
    }
  });
  if (!ok) throw new Error('bad signature');
  const claims = decodeJwt(jwt);
  const now = nowSeconds();
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new Error('expired');
  if (typeof claims.nbf === 'number' && claims.nbf > now) throw new Error('not yet valid');
  if (claims.iss !== issuer.url) throw new Error('wrong issuer');
  return claims;
}

// Token endpoint: shape the claims from the POSTed form body. Throwing an
// AssertionError here makes the library answer 400 invalid_request.
service.on('beforeTokenSigning', (token, req) => {
  const f = parseTokenFields(req.body ?? {});
  if (f.alg !== DEFAULT_ALG) {
    // The key was chosen before this hook runs; only /__mint can pick one.
    throw bad(`Invalid 'alg': /token signs with ${DEFAULT_ALG} only; use POST <faults>/__mint`);
  }
  if (token.header.kid !== currentKid[DEFAULT_ALG]) {
    throw new Error('internal: /token did not get the current RS256 key');
  }
  applyTokenFields(token.header, token.payload, f);
});

// Make the token response's expires_in match the token's real lifetime.
function fixExpiresIn(response) {
  try {
    const at = response.body?.access_token;
    if (typeof at === 'string') {
      const { exp } = decodeJwt(at);
      if (typeof exp === 'number') response.body.expires_in = exp - nowSeconds();
    }
  } catch {
    /* leave the library's default */
  }
}
service.on('beforeResponse', fixExpiresIn);

// Userinfo: require a valid Bearer JWT signed by this server.
service.on('beforeUserinfo', (response, req) => {
  stats.userinfo += 1;
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

// ---- opaque tokens and introspection (RFC 7662) ----

// Opaque tokens minted by POST <faults>/__mint_opaque: token -> claims. Kept
// for the life of the process (tests mint few).
const opaqueTokens = new Map();
// Tokens revoked through POST <faults>/__revoke: introspection calls them
// inactive (RFC 7009 section 2.2), whatever else they are.
const revokedTokens = new Set();

// The claims of a new opaque token: the library's JWT defaults (iss, iat,
// exp = now+3600, nbf = now-10), scope, then the same token fields as a JWT.
function mintOpaque(body) {
  for (const k of ['alg', 'typ', 'kid', 'header_json']) {
    if (body[k] !== undefined) throw bad(`Invalid '${k}': not applicable to opaque tokens`);
  }
  if (body.grant_type !== undefined && body.grant_type !== 'client_credentials') {
    throw bad("Invalid 'grant_type': client_credentials only");
  }
  const scope = strField(body, 'scope');
  const f = parseTokenFields(body);
  const now = nowSeconds();
  const claims = { iss: issuer.url, iat: now, exp: now + DEFAULT_TTL, nbf: now - 10 };
  if (scope !== undefined) claims.scope = scope;
  applyTokenFields({}, claims, f);
  const token = randomBytes(32).toString('base64url'); // 43 chars, no dots
  opaqueTokens.set(token, claims);
  const expiresIn = typeof claims.exp === 'number' ? claims.exp - nowSeconds() : DEFAULT_TTL;
  return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope };
}

const digest = (s) => createHash('sha256').update(s, 'utf8').digest();
const sameSecret = (a, b) => typeof a === 'string' && timingSafeEqual(digest(a), digest(b));

// application/x-www-form-urlencoded decoding of one Basic credential half
// (RFC 6749 section 2.3.1); null when malformed.
function formDecode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

// Splits an Authorization header into { scheme, id, secret } (id/secret only
// for a well-formed Basic header), or null without a header.
function parseAuthorization(header) {
  if (typeof header !== 'string') return null;
  const m = /^([^ ]+)(?: +(.*))?$/.exec(header.trim());
  if (!m) return { scheme: header };
  const out = { scheme: m[1] };
  if (m[1].toLowerCase() === 'basic' && m[2] && /^[A-Za-z0-9+/]+={0,2}$/.test(m[2].trim())) {
    const decoded = Buffer.from(m[2].trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      const id = formDecode(decoded.slice(0, colon));
      const secret = formDecode(decoded.slice(colon + 1));
      if (id !== null && secret !== null) Object.assign(out, { id, secret });
    }
  }
  return out;
}

// Client authentication for POST /introspect: exactly one of HTTP Basic or
// client_id + client_secret in the form body, naming the configured client.
function introspectClientOk(req, form) {
  const auth = parseAuthorization(req.headers.authorization);
  const bodyId = form.client_id;
  const bodySecret = form.client_secret;
  let id;
  let secret;
  if (auth) {
    if (auth.id === undefined) return false; // not Basic, or malformed
    if (bodySecret !== undefined) return false; // two methods at once
    if (bodyId !== undefined && bodyId !== auth.id) return false;
    ({ id, secret } = auth);
  } else {
    if (typeof bodyId !== 'string' || typeof bodySecret !== 'string') return false;
    id = bodyId;
    secret = bodySecret;
  }
  return id === INTROSPECT_CLIENT_ID && sameSecret(secret, INTROSPECT_CLIENT_SECRET);
}

// The RFC 7662 answer for a token: an opaque token known, not expired and
// already valid (nbf), or a JWT that /userinfo would accept.
function introspectToken(token) {
  const now = nowSeconds();
  if (revokedTokens.has(token)) return { active: false };
  const claims = opaqueTokens.get(token);
  if (claims) {
    if (typeof claims.exp === 'number' && claims.exp <= now) return { active: false };
    if (typeof claims.nbf === 'number' && claims.nbf > now) return { active: false };
    const out = { active: true, client_id: OPAQUE_CLIENT_ID, token_type: 'Bearer', ...claims };
    out.active = true; // extra_json cannot override it
    return out;
  }
  try {
    const out = { active: true, ...verifyAccessToken(token) };
    out.active = true;
    return out;
  } catch {
    return { active: false };
  }
}

function sendIssuerJson(res, status, obj, extraHeaders = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Access-Control-Allow-Origin': '*', // as the library's cors() would add
    ...extraHeaders,
  });
  res.end(body);
}

const isFormContentType = (ct) =>
  typeof ct === 'string' &&
  ct.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';

// POST /introspect: client authentication first (401), then the request
// (400), then 200 with {"active":...}.
async function handleIntrospect(req, res) {
  let form = {};
  try {
    const raw = await readBody(req);
    if (isFormContentType(req.headers['content-type'])) form = parseForm(raw);
  } catch (err) {
    sendIssuerJson(res, err.status ?? 400, {
      error: 'invalid_request',
      error_description: err.message,
    });
    return;
  }
  if (!introspectClientOk(req, form)) {
    sendIssuerJson(res, 401, { error: 'invalid_client' }, {
      'WWW-Authenticate': 'Basic realm="introspect"',
    });
    return;
  }
  let problem;
  if (!isFormContentType(req.headers['content-type'])) {
    problem = 'expected application/x-www-form-urlencoded';
  } else if (typeof form.token !== 'string') {
    problem = form.token === undefined ? "Missing 'token'" : "Invalid 'token': repeated";
  }
  if (problem) {
    sendIssuerJson(res, 400, { error: 'invalid_request', error_description: problem });
    return;
  }
  sendIssuerJson(res, 200, introspectToken(form.token));
}

// Paths as the library's Express router would match them (case-insensitive,
// one optional trailing slash).
function routePath(rawUrl) {
  let p = (rawUrl ?? '/').split('?')[0].toLowerCase();
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

// Sees every request to the OAuth2 server before the library does: counts
// discovery, JWKS and introspection requests and serves the JWKS and
// POST /introspect itself.
function frontHandler(req, res) {
  const p = routePath(req.url);
  if (p === '/.well-known/openid-configuration') stats.discovery += 1;
  if (p === '/introspect') {
    stats.introspect += 1;
    if (req.method === 'POST') {
      handleIntrospect(req, res).catch((err) => {
        log('/introspect failed:', err?.message ?? err);
        if (!res.headersSent) sendIssuerJson(res, 500, { error: 'server_error' });
        else res.destroy();
      });
      return;
    }
  }
  if (p === '/jwks') {
    stats.jwks += 1;
    if (req.method === 'GET' || req.method === 'HEAD') {
      const body = JSON.stringify(servedJwks());
      const headers = {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'Access-Control-Allow-Origin': '*',
      };
      if (jwksMaxAge !== null) headers['Cache-Control'] = `max-age=${jwksMaxAge}`;
      res.writeHead(200, headers);
      res.end(body);
      return;
    }
  }
  service.requestHandler(req, res);
}
const oauthHttp = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, frontHandler);
// The same service on another loopback address, only as the target of
// /moved: a request here means a redirect was followed.
const otherHostHttp = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
  stats.other_host += 1;
  frontHandler(req, res);
});
// The same service over TLS, one listener per certificate (with --tls-dir).
const tlsServers = new Map(); // state-file prefix -> https.Server

// ---------------------------------------------------------------------------
// (b) faults server
// ---------------------------------------------------------------------------

let userinfoUrl; // filled in once the OAuth2 server listens
let otherHostUserinfo; // http://127.0.0.2:<port>/userinfo, where /moved points

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

// Streams {"preferred_username":"alice","pad":"xxx…"} of exactly `size`
// bytes, honouring back-pressure and client aborts; chunked unless
// contentLength. onBytes(n) is told of each piece handed to the socket.
function sendBig(res, size = BIG_BODY_BYTES, { contentLength = false, onBytes = () => {} } = {}) {
  const head = '{"preferred_username":"alice","pad":"';
  const tail = '"}';
  let remaining = size - head.length - tail.length;
  const chunk = Buffer.alloc(BIG_CHUNK, 'x');
  let aborted = false;
  res.on('close', () => {
    aborted = true;
  });
  const headers = { 'Content-Type': 'application/json' };
  if (contentLength) headers['Content-Length'] = size;
  res.writeHead(200, headers);
  res.write(head);
  onBytes(head.length);
  const pump = () => {
    while (!aborted && remaining > 0) {
      const n = Math.min(remaining, chunk.length);
      remaining -= n;
      onBytes(n);
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!aborted) {
      onBytes(tail.length);
      res.end(tail);
    }
  };
  pump();
}

// /drip: the headers at once, then a JSON object one byte per
// DRIP_INTERVAL_MS, until the client leaves (or 10 minutes have passed).
function sendDrip(res) {
  const body = Buffer.from(`{"preferred_username":"alice","pad":"${'x'.repeat(DRIP_MAX_BYTES)}"}`);
  let sent = 0;
  res.writeHead(200, { 'Content-Type': 'application/json' }); // chunked
  res.flushHeaders();
  const timer = setInterval(() => {
    if (sent >= body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(body.subarray(sent, sent + 1));
    sent += 1;
  }, DRIP_INTERVAL_MS);
  res.on('close', () => clearInterval(timer));
}

// /truncated: the start of a JSON object, then the connection is closed.
// Default: Content-Length promises 100 bytes; ?chunked=1: a chunked body
// without its last chunk.
function sendTruncated(res, chunked) {
  const part = '{"preferred_username":"al';
  const headers = { 'Content-Type': 'application/json' };
  if (!chunked) headers['Content-Length'] = 100;
  res.writeHead(200, headers);
  res.write(part, () => res.destroy());
}

// /deep: a JSON object holding DEEP_LEVELS nested arrays (?type=object:
// nested objects), well under the 1 MiB cap.
function deepJson(type) {
  const [open, close] = type === 'object' ? ['{"a":', '}'] : ['[', ']'];
  return `{"preferred_username":"alice","deep":${open.repeat(DEEP_LEVELS)}1${close.repeat(DEEP_LEVELS)}}`;
}

// Reads a request body (up to MAX_MINT_BODY bytes, else status 413).
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let failed = false;
    req.on('data', (c) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_MINT_BODY) {
        failed = true;
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

// Parses a form-encoded body into an object (a repeated field becomes an
// array, as with the library's body parser).
function parseForm(buf) {
  const out = {};
  for (const [k, v] of new URLSearchParams(buf.toString('utf8'))) {
    if (!Object.hasOwn(out, k)) out[k] = v;
    else if (Array.isArray(out[k])) out[k].push(v);
    else out[k] = [out[k], v];
  }
  return out;
}

async function readForm(req) {
  return parseForm(await readBody(req));
}

function sendError(res, status, err) {
  sendJson(res, status, { error: 'invalid_request', error_description: err.message });
}

// POST /__mint: like POST /token (client_credentials), but signs through the
// library's issuer.buildToken() with the current key of the requested alg.
async function handleMint(req, res) {
  let body;
  try {
    body = await readForm(req);
  } catch (err) {
    sendError(res, err.status ?? 400, err);
    return;
  }
  let accessToken;
  try {
    if (body.grant_type !== undefined && body.grant_type !== 'client_credentials') {
      throw bad("Invalid 'grant_type': client_credentials only");
    }
    const scope = strField(body, 'scope');
    const f = parseTokenFields(body);
    accessToken = await issuer.buildToken({
      kid: currentKid[f.alg],
      expiresIn: DEFAULT_TTL,
      scopesOrTransform: (header, payload) => {
        payload.scope = scope; // as the library's client_credentials grant
        applyTokenFields(header, payload, f);
      },
    });
    const response = {
      statusCode: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: DEFAULT_TTL, scope },
    };
    fixExpiresIn(response);
    const text = JSON.stringify(response.body);
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    });
    res.end(text);
  } catch (err) {
    if (err instanceof AssertionError) {
      sendError(res, 400, err);
    } else {
      log('/__mint failed:', err?.message ?? err);
      sendJson(res, 500, { error: 'server_error' });
    }
  } finally {
    normalizeKeyOrder();
  }
}

// POST /__mint_opaque: same fields as /__mint (minus the JOSE header ones)
// plus extra_json; the issuer remembers the claims for POST /introspect.
async function handleMintOpaque(req, res) {
  try {
    const out = mintOpaque(await readForm(req));
    const text = JSON.stringify(out);
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    });
    res.end(text);
  } catch (err) {
    if (err instanceof AssertionError || err.status) {
      sendError(res, err.status ?? 400, err);
    } else {
      log('/__mint_opaque failed:', err?.message ?? err);
      sendJson(res, 500, { error: 'server_error' });
    }
  }
}

// Misbehaving introspection endpoints (POST <faults>/introspect/...). They do
// not check client authentication. exp is relative to the request time.
const FAULTY_INTROSPECT = {
  '/introspect/active-string': () => ({
    active: 'true',
    sub: 'id-alice',
    preferred_username: 'alice',
    exp: nowSeconds() + 600,
  }),
  '/introspect/no-active': () => ({
    sub: 'id-alice',
    preferred_username: 'alice',
    exp: nowSeconds() + 600,
  }),
  '/introspect/expired': () => ({
    active: true,
    preferred_username: 'alice',
    exp: nowSeconds() - 3600,
  }),
  '/introspect/no-exp': () => ({
    active: true,
    sub: 'id-alice',
    preferred_username: 'alice',
  }),
  '/introspect/late-exp': () => ({
    active: true,
    sub: 'id-alice',
    preferred_username: 'alice',
    exp: nowSeconds() + 3600,
  }),
  '/introspect/wrong-iss': () => ({
    active: true,
    preferred_username: 'alice',
    iss: 'https://evil.example',
    exp: nowSeconds() + 600,
  }),
};

// POST <faults>/introspect/echo: what the client sent, minus secrets that
// matter: the token is replaced by its length.
async function handleIntrospectEcho(req, res) {
  let raw;
  try {
    raw = await readBody(req);
  } catch (err) {
    sendError(res, err.status ?? 400, err);
    return;
  }
  const ct = req.headers['content-type'];
  let form = null;
  if (isFormContentType(ct)) {
    form = parseForm(raw);
    if (Object.hasOwn(form, 'token')) {
      const t = form.token;
      delete form.token;
      form.token_length = Array.isArray(t) ? t.map((v) => v.length) : t.length;
    }
  }
  const auth = parseAuthorization(req.headers.authorization);
  sendJson(res, 200, {
    content_type: ct ?? null,
    authorization_scheme: auth ? auth.scheme : null,
    basic_client_id: auth?.id ?? null,
    form,
  });
}

// POST /__rotate?alg=A[&drop_old=1]
async function handleRotate(res, params) {
  const alg = params.get('alg');
  const dropOld = params.get('drop_old') ?? '';
  if (!ALGS.includes(alg)) {
    sendError(res, 400, bad(`Invalid 'alg': one of ${ALGS.join(', ')}`));
    return;
  }
  if (!['', '0', '1'].includes(dropOld)) {
    sendError(res, 400, bad("Invalid 'drop_old': 0 or 1"));
    return;
  }
  try {
    sendJson(res, 200, { kid: await rotateKey(alg, dropOld === '1') });
  } catch (err) {
    log('/__rotate failed:', err?.message ?? err);
    sendJson(res, 500, { error: 'server_error' });
  }
}

// POST /__revoke with the form field token=T: introspection answers
// {"active":false} for T from now on.
async function handleRevoke(req, res) {
  try {
    const form = parseForm(await readBody(req));
    if (typeof form.token !== 'string' || form.token === '') {
      sendError(res, 400, bad("Missing 'token'"));
      return;
    }
    revokedTokens.add(form.token);
    sendJson(res, 200, { revoked: revokedTokens.size });
  } catch (err) {
    sendError(res, err.status ?? 400, bad(err.message));
  }
}

// POST /__jwks_max_age?seconds=N (absent or empty: no Cache-Control header)
function handleMaxAge(res, params) {
  const s = params.get('seconds') ?? '';
  if (s === '') {
    jwksMaxAge = null;
  } else if (/^\d{1,10}$/.test(s) && Number(s) <= 2 ** 31 - 1) {
    jwksMaxAge = Number(s);
  } else {
    sendError(res, 400, bad("Invalid 'seconds': integer 0..2147483647"));
    return;
  }
  sendJson(res, 200, { max_age: jwksMaxAge });
}

let disco; // the issuer's own discovery document, fetched once at start
let faultsBase; // http://127.0.0.1:Q

// RFC 8414 metadata for <faults>/as-only, whose keys are the real issuer's.
function asOnlyMetadata() {
  return {
    issuer: `${faultsBase}/as-only`,
    jwks_uri: disco.jwks_uri,
    token_endpoint: disco.token_endpoint,
    response_types_supported: disco.response_types_supported,
    grant_types_supported: disco.grant_types_supported,
    token_endpoint_auth_methods_supported: disco.token_endpoint_auth_methods_supported,
  };
}

// Control endpoints: POST-only except /__stats; not counted in stats.faults.
const CONTROL_POST = new Set([
  '/__mint',
  '/__mint_opaque',
  '/__rotate',
  '/__jwks_max_age',
  '/__revoke',
]);
const INTROSPECT_PATHS = new Set([
  ...Object.keys(FAULTY_INTROSPECT),
  '/introspect/html',
  '/introspect/echo',
]);

const faults = createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  const path = url.pathname;
  if (path !== '/__stats' && !CONTROL_POST.has(path)) stats.faults += 1;

  if (path === '/jku-trap' || path.startsWith('/jku-trap/')) {
    // Any method. Tests check that this stays at zero.
    stats.jku_trap += 1;
    req.resume();
    sendJson(res, 404, { error: 'not_found' });
    return;
  }

  if (CONTROL_POST.has(path)) {
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { error: 'method_not_allowed' });
      return;
    }
    if (path === '/__mint') {
      void handleMint(req, res);
      return;
    }
    if (path === '/__mint_opaque') {
      void handleMintOpaque(req, res);
      return;
    }
    if (path === '/__revoke') {
      void handleRevoke(req, res);
      return;
    }
    req.resume();
    if (path === '/__rotate') void handleRotate(res, url.searchParams);
    else handleMaxAge(res, url.searchParams);
    return;
  }

  if (INTROSPECT_PATHS.has(path)) {
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { error: 'method_not_allowed' });
      return;
    }
    if (path === '/introspect/echo') {
      void handleIntrospectEcho(req, res);
      return;
    }
    req.resume();
    // Answer once the body is in, as a real server would.
    req.on('end', () => {
      if (path === '/introspect/html') sendRaw(res, 200, 'text/html', '<html>login</html>');
      else sendJson(res, 200, FAULTY_INTROSPECT[path]());
    });
    return;
  }

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
    case '/drip':
      sendDrip(res);
      return;
    case '/truncated':
      sendTruncated(res, url.searchParams.get('chunked') === '1');
      return;
    case '/deep':
      sendRaw(res, 200, 'application/json', deepJson(url.searchParams.get('type')));
      return;
    case '/huge':
      sendBig(res, HUGE_BODY_BYTES, {
        contentLength: url.searchParams.get('length') === '1',
        onBytes: (n) => {
          stats.huge_bytes += n;
        },
      });
      return;
    case '/bigheader':
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'X-Big': 'b'.repeat(BIG_HEADER_BYTES),
      });
      res.end('{"preferred_username":"alice"}');
      return;
    case '/moved':
      res.writeHead(301, { Location: otherHostUserinfo, 'Content-Length': 0 });
      res.end();
      return;
    case '/redirect':
      res.writeHead(302, { Location: userinfoUrl, 'Content-Length': 0 });
      res.end();
      return;
    case '/claims':
      sendJson(res, 200, Object.fromEntries(url.searchParams));
      return;
    case '/wrong-issuer/.well-known/openid-configuration':
      sendJson(res, 200, { ...disco, issuer: `${faultsBase}/wrong-issuer/x` });
      return;
    case '/as-only/.well-known/oauth-authorization-server': // as the brief asks
    case '/.well-known/oauth-authorization-server/as-only': // RFC 8414 section 3.1
      sendJson(res, 200, asOnlyMetadata());
      return;
    case '/__stats':
      sendJson(res, 200, { ...stats });
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

function listen(server, host = HOST) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
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
  const close = (server) =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // includes /hang sockets and /big streams
    });
  const closing = [faults, oauthHttp, otherHostHttp, ...tlsServers.values()].map(close);
  await Promise.allSettled(closing);
  process.exit(0);
}

async function main() {
  const { statePath, tlsDir } = parseCli();
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());

  // The current RS256 key is generated first and stays the default signer.
  for (const alg of ALGS) currentKid[alg] = await generateKey(alg);
  normalizeKeyOrder();

  const oauthPort = await listen(oauthHttp);
  // (OAuth2Server would name the issuer http://localhost:PORT for a loopback
  // bind.) Use the address actually bound, so that the discovery document,
  // the tokens' iss and the state file all agree.
  issuer.url = `http://${HOST}:${oauthPort}`;
  const faultsPort = await listen(faults);
  faultsBase = `http://${HOST}:${faultsPort}`;
  otherHostUserinfo = `http://${OTHER_HOST}:${await listen(otherHostHttp, OTHER_HOST)}/userinfo`;
  const tlsState = {};
  if (tlsDir !== undefined) {
    for (const [name, cert, key] of TLS_LISTENERS) {
      const server = createHttpsServer(
        {
          maxHeaderSize: MAX_HEADER_BYTES,
          cert: readFileSync(join(tlsDir, cert)),
          key: readFileSync(join(tlsDir, key)),
        },
        frontHandler,
      );
      server.on('tlsClientError', () => {}); // refused handshakes are the point
      tlsServers.set(name, server);
      const base = `https://${HOST}:${await listen(server)}`;
      tlsState[`${name}_issuer`] = base;
      tlsState[`${name}_userinfo`] = `${base}/userinfo`;
    }
  }

  // Take the endpoint URLs from the library's own discovery document. This
  // request is not one of the stats.discovery requests the tests count.
  disco = await (
    await fetch(`${issuer.url}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    })
  ).json();
  stats.discovery = 0;
  userinfoUrl = disco.userinfo_endpoint;

  writeStateAtomically(statePath, {
    issuer: disco.issuer,
    userinfo: disco.userinfo_endpoint,
    token_endpoint: disco.token_endpoint,
    faults: faultsBase,
    pid: process.pid,
    jwks_uri: disco.jwks_uri,
    introspection_endpoint: disco.introspection_endpoint,
    other_host_userinfo: otherHostUserinfo,
    ...tlsState,
  });
}

main().catch((err) => {
  log('fatal:', err?.message ?? err);
  process.exit(1);
});
