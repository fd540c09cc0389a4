// SPDX-License-Identifier: MIT
// Plays the user's browser for the device grant: opens the verification
// URL, confirms the code, signs in on oidc-provider's development login
// form and consents -- or presses Abort.  Cookies are kept as a browser
// would.  Exit status 0 when the provider's last page says what was asked.
//
//   node approve.mjs URL LOGIN [--deny]
const [url, login, mode] = process.argv.slice(2);
const deny = mode === '--deny';
const jar = new Map();

function remember(res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
}

async function go(target, body) {
  let next = target;
  let init = body ? { method: 'POST', body: new URLSearchParams(body) } : { method: 'GET' };
  for (let hops = 0; hops < 10; hops += 1) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(next, { ...init, redirect: 'manual', headers: { cookie } });
    remember(res);
    if (res.status >= 300 && res.status < 400) {
      next = new URL(res.headers.get('location'), next).href;
      init = { method: 'GET' };
      continue;
    }
    return { url: next, html: await res.text() };
  }
  throw new Error('too many redirects');
}

const attr = (tag, name) => (tag.match(new RegExp(`${name}="([^"]*)"`)) || [])[1];

// The page's first form: its action and the values it would submit.
function firstForm(page) {
  const m = page.html.match(/<form[^>]*>[\s\S]*?<\/form>/);
  if (!m) return null;
  const fields = {};
  for (const input of m[0].match(/<input[^>]*>/g) || []) {
    const name = attr(input, 'name');
    if (name) fields[name] = attr(input, 'value') ?? '';
  }
  return { id: attr(m[0], 'id'), action: new URL(attr(m[0], 'action'), page.url).href, fields };
}

let page = await go(url);
for (let step = 0; step < 8; step += 1) {
  if (/Sign-in Success/.test(page.html)) {
    process.exit(deny ? 1 : 0);
  }
  if (/interrupted|aborted/i.test(page.html)) {
    process.exit(deny ? 0 : 1);
  }
  const form = firstForm(page);
  if (!form) break;
  if (form.id === 'op.deviceConfirmForm' && deny) {
    delete form.fields.confirm;
    form.fields.abort = 'yes';
  }
  if ('login' in form.fields) {
    form.fields.login = login;
    form.fields.password = 'any';
  }
  page = await go(form.action, form.fields);
}
console.error(`approve.mjs: stopped at ${page.url}:\n${page.html.slice(0, 2000)}`);
process.exit(1);
