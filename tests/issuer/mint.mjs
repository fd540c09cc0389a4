#!/usr/bin/env node
// Mint an access token from the local test issuer.
//
//   node tests/issuer/mint.mjs --state-file PATH username=alice \
//        [expires_in=-60] [grp=tester] [pad=4000]
//
// POSTs grant_type=client_credentials plus the given fields (form-encoded) to
// the token endpoint named in the state file and prints only the access_token
// followed by a newline. oauth2-mock-server needs no client authentication
// for client_credentials. Exits non-zero with a message on stderr on failure.

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
      options: { 'state-file': { type: 'string' } },
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

  let state;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8'));
  } catch (err) {
    fail(`cannot read state file ${statePath}: ${err.message}`);
  }
  if (typeof state.token_endpoint !== 'string') fail('state file has no token_endpoint');

  let res;
  try {
    res = await fetch(state.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form,
      signal: AbortSignal.timeout(10000),
    });
  } catch (err) {
    fail(`POST ${state.token_endpoint} failed: ${err.cause?.message ?? err.message}`);
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
