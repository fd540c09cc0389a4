#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Mint an access token from the local test issuer.
//
//   node tests/issuer/mint.mjs --state-file PATH username=alice \
//        [expires_in=-60] [grp=tester] [pad=4000] [alg=ES256] [aud=a,b] ... \
//        [--header-json '{"jku":"http://..."}'] [--extra-json '{"groups":["ops"]}']
//        [--opaque]
//
// POSTs grant_type=client_credentials plus the given fields (form-encoded) to
// the token endpoint named in the state file and prints only the access_token
// followed by a newline. oauth2-mock-server needs no client authentication
// for client_credentials. The library's token endpoint always signs with the
// current RS256 key, so when alg= names another alg the same form goes to the
// faults server's POST /__mint instead, which takes the same fields.
// --header-json JSON is sent as the form field header_json (extra JOSE header
// members). --extra-json JSON is sent as extra_json (a JSON object merged into
// the claims, JWT or opaque). --opaque POSTs to the faults server's
// /__mint_opaque instead, which returns a random opaque token whose claims
// the issuer's POST /introspect knows (alg/typ/kid/header JSON are refused
// there). Exits non-zero with a message on stderr on failure.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

function fail(msg) {
  process.stderr.write(`mint: ${msg}\n`);
  process.exit(1);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        'state-file': { type: 'string' },
        'header-json': { type: 'string' },
        'extra-json': { type: 'string' },
        opaque: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    fail(err.message);
  }
  const statePath = parsed.values['state-file'];
  if (!statePath) fail('usage: mint.mjs --state-file PATH key=value...');

  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  for (const arg of parsed.positionals) {
    const eq = arg.indexOf('=');
    if (eq <= 0) fail(`bad argument '${arg}': expected key=value`);
    form.append(arg.slice(0, eq), arg.slice(eq + 1));
  }
  // --header-json and --extra-json go to the form as header_json and
  // extra_json, after checking here that each is a JSON object.
  for (const [option, field] of [['header-json', 'header_json'], ['extra-json', 'extra_json']]) {
    const text = parsed.values[option];
    if (text === undefined) continue;
    let v;
    try {
      v = JSON.parse(text);
    } catch (err) {
      fail(`--${option}: ${err.message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`--${option}: not a JSON object`);
    form.append(field, text);
  }
  const opaque = parsed.values.opaque === true;
  const algs = form.getAll('alg');
  const viaMint = opaque || algs.some((a) => a !== '' && a !== 'RS256');

  let state;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8'));
  } catch (err) {
    fail(`cannot read state file ${statePath}: ${err.message}`);
  }
  if (typeof state.token_endpoint !== 'string') fail('state file has no token_endpoint');
  if (viaMint && typeof state.faults !== 'string') fail('state file has no faults');
  const endpoint = opaque
    ? `${state.faults}/__mint_opaque`
    : viaMint
      ? `${state.faults}/__mint`
      : state.token_endpoint;

  let res;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form,
      signal: AbortSignal.timeout(10000),
    });
  } catch (err) {
    fail(`POST ${endpoint} failed: ${err.cause?.message ?? err.message}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) fail(`token endpoint returned HTTP ${res.status}: ${text.slice(0, 500)}`);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    fail('token endpoint returned non-JSON body');
  }
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    fail('token endpoint response has no access_token');
  }
  process.stdout.write(`${body.access_token}\n`);
}

main().catch((err) => fail(err?.message ?? String(err)));
