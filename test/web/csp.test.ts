/**
 * The console runs under a Content-Security-Policy that allows no inline script: the header
 * (src/server/console.ts) has script-src 'self' without 'unsafe-inline' or 'unsafe-eval', on
 * every path that answers with the page, and the built page (web/dist, `npm run build:web`)
 * needs nothing more — its scripts are loaded by src, with no inline script, event handler
 * attribute or javascript: URL. So an injected script in a record's text cannot run.
 */
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { createHttpPlumbing } from '../../src/platform/http/plumbing.js';
import { CONSOLE_DIST, CONSOLE_CSP, registerConsole } from '../../src/server/console.js';

const indexPath = `${CONSOLE_DIST}index.html`;
if (!existsSync(indexPath)) throw new Error(`${indexPath} is missing: run npm run build:web first`);

const app = await createHttpPlumbing();
t.teardown(() => app.close());
t.ok(await registerConsole(app), 'the built console is served');

/** The policy's directives by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

t.test("the policy: scripts from the platform only, no 'unsafe-inline' or 'unsafe-eval', no plugins, no framing", async (t) => {
  const policy = directives(CONSOLE_CSP);
  t.same(policy.get('script-src'), ["'self'"]);
  t.same(policy.get('default-src'), ["'self'"]);
  t.same(policy.get('object-src'), ["'none'"]);
  t.same(policy.get('frame-ancestors'), ["'none'"]);
  t.same(policy.get('base-uri'), ["'self'"]);
  for (const [name, values] of policy) {
    if (name === 'style-src') continue; // Ant Design sets styles inline (CSS-in-JS); styles run no code
    t.notOk(values.includes("'unsafe-inline'"), `${name} has no 'unsafe-inline'`);
    t.notOk(values.includes("'unsafe-eval'"), `${name} has no 'unsafe-eval'`);
  }
});

t.test('every path that answers with the page carries the policy', async (t) => {
  for (const url of ['/', '/sign-in', '/requests/new', '/index.html']) {
    const page = await app.inject({ method: 'GET', url });
    t.equal(page.statusCode, 200, url);
    t.match(page.headers['content-type'], /text\/html/, url);
    t.equal(page.headers['content-security-policy'], CONSOLE_CSP, url);
  }
});

t.test('the built page has no inline script: every script is loaded by src', async (t) => {
  const html = (await app.inject({ method: 'GET', url: '/' })).body;
  t.equal(html, readFileSync(indexPath, 'utf8'), 'the page served is the one built');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)];
  t.ok(scripts.length >= 1, `the page loads its module (${scripts.length} script element)`);
  for (const [element, attributes, body] of scripts) {
    t.match(attributes, /\ssrc="\/assets\/[^"]+\.js"/, `loaded from the platform: ${element.slice(0, 80)}`);
    t.equal(body!.trim(), '', 'with nothing inline');
  }
  t.notMatch(html, /\son[a-z]+\s*=/i, 'no event handler attributes');
  t.notMatch(html, /javascript:/i, 'no javascript: URLs');
  t.notMatch(html, /<meta[^>]+http-equiv/i, 'no policy of its own in a meta element to loosen or confuse the header');
});
