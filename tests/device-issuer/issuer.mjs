// SPDX-License-Identifier: MIT
// A real OpenID provider (panva's oidc-provider) for the pg_oauth2_token
// tests: the device authorization grant with refresh tokens for a public
// client, the client credentials grant for a confidential one.  Around it,
// only what a test needs to see or steer: request counts and poll times
// (GET /__stats), and answers it can make the provider give on demand
// (/__control?slowDown=N&failRefresh=N&unavailable=N&interval=S: the next N
// pending polls answered slow_down, the next N refreshes refused, the next N
// token requests answered 503 before the provider sees them, the interval
// the device authorization answer names, 0 for none).
//
//   node issuer.mjs --state-file FILE [--interval SECONDS|none]
// writes {"issuer": URL, "stats": URL, "control": URL} to FILE when ready.
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import Provider, { errors } from 'oidc-provider';

const { values: opts } = parseArgs({
  options: {
    'state-file': { type: 'string' },
    interval: { type: 'string', default: '1' },
  },
});
if (!opts['state-file']) {
  console.error('usage: issuer.mjs --state-file FILE [--interval SECONDS|none]');
  process.exit(2);
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const CLIENT_SECRET = 'batch-client-secret-for-tests';
// RFC 8707: the one resource server it knows, the database.  Its access
// tokens are JWTs (RFC 9068) with the resource as their audience, as
// pam_oauth2 checks them; tokens for no resource stay opaque.
export const RESOURCE = 'https://db.example.test/pg';

const stats = { requests: 0, device_authorization: 0, device_started: [], polls: [], grants: {}, unavailable: 0 };
const control = { slowDown: 0, failRefresh: 0, unavailable: 0, interval: 0 };

const server = http.createServer();
control.interval = opts.interval === 'none' ? 0 : Number(opts.interval);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(base, {
  clients: [
    {
      client_id: 'pg-cli',
      token_endpoint_auth_method: 'none',
      grant_types: [DEVICE_GRANT, 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
    {
      // Its access tokens live 2 s, less than pg_oauth2_token's default
      // --min-validity, so every cached one is due for a refresh.
      client_id: 'pg-cli-short',
      token_endpoint_auth_method: 'none',
      grant_types: [DEVICE_GRANT, 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
    {
      // Its device codes expire after 3 s: the user never gets there.
      client_id: 'pg-cli-expiring',
      token_endpoint_auth_method: 'none',
      grant_types: [DEVICE_GRANT],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: 'pg-batch',
      client_secret: CLIENT_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'db',
    },
  ],
  scopes: ['openid', 'offline_access', 'db'],
  features: {
    deviceFlow: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // useGrantedResource stays false: a device code poll or a refresh
      // that does not name the resource again gets an opaque token.
      getResourceServerInfo: async (ctx, resource) => {
        if (resource !== RESOURCE) throw new errors.InvalidTarget('unknown resource');
        return { scope: 'db', audience: RESOURCE, accessTokenFormat: 'jwt' };
      },
    },
  },
  ttl: {
    AccessToken: (ctx, token, client) => (client.clientId === 'pg-cli-short' ? 2 : 600),
    ClientCredentials: 600,
    DeviceCode: (ctx, token, client) => (client.clientId === 'pg-cli-expiring' ? 3 : 120),
    RefreshToken: 3600,
    Grant: 3600,
    Session: 3600,
    Interaction: 600,
  },
  // A refresh token for every client allowed the grant, whether or not the
  // consent screen granted offline_access.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  findAccount: async (ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub }),
  }),
});

// Runs after the provider has answered, so the grant_type it parsed is known
// and its answer can be recorded or, on request, replaced.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/device/auth' && ctx.status === 200 && ctx.body) {
    stats.device_authorization += 1;
    stats.device_started.push(Date.now());
    // RFC 8628 lets the server choose the polling interval; a short one
    // keeps the tests quick.  Changeable, or removed, through /__control.
    if (control.interval > 0) ctx.body = { ...ctx.body, interval: control.interval };
  }
  const grant = ctx.oidc?.params?.grant_type;
  if (ctx.path !== '/token' || !grant) return;
  stats.grants[grant] = (stats.grants[grant] || 0) + 1;
  if (grant === DEVICE_GRANT) {
    stats.polls.push(Date.now());
    if (control.slowDown > 0 && ctx.body?.error === 'authorization_pending') {
      control.slowDown -= 1;
      ctx.body = { error: 'slow_down', error_description: 'poll less often' };
    }
  }
  if (grant === 'refresh_token' && control.failRefresh > 0) {
    control.failRefresh -= 1;
    ctx.status = 400;
    ctx.body = { error: 'invalid_grant', error_description: 'refresh token refused for the test' };
  }
});

const callback = provider.callback();
server.on('request', (req, res) => {
  const url = new URL(req.url, base);
  if (url.pathname === '/__stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(stats));
    return;
  }
  if (url.pathname === '/__control') {
    for (const [k, v] of url.searchParams) if (k in control) control[k] = Number(v);
    res.end('ok');
    return;
  }
  stats.requests += 1;
  if (url.pathname === '/token' && control.unavailable > 0) {
    control.unavailable -= 1;
    stats.unavailable += 1;
    res.statusCode = 503;
    res.end('unavailable for the test');
    return;
  }
  callback(req, res);
});

fs.writeFileSync(opts['state-file'], JSON.stringify({
  issuer: base,
  stats: `${base}/__stats`,
  control: `${base}/__control`,
  clientSecret: CLIENT_SECRET,
  resource: RESOURCE,
}));
