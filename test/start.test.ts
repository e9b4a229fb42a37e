import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freePort } from './helpers/servers.js';
import { gone, interrupt, runStart } from './helpers/start.js';

// `./scripts/start` as a person runs it: embedded PGlite, its own Temporal dev server with the
// Web UI, the printed URLs answering, and Ctrl-C (SIGINT to the whole process group) leaving
// nothing behind. The project's tools are already installed by the test command.
const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'gx-start-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

t.test('start runs the platform with the printed URLs answering, and Ctrl-C stops everything', async (t) => {
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  const first = await runStart({ root, dataDir, ports });
  t.match(first.output(), /generated a token signing key/, 'a secret is generated on first run, and said so');
  t.same(Object.keys(first.urls).sort(), ['API', 'API docs', 'Console', 'Readiness', 'Temporal UI']);
  t.equal(Object.keys(first.urls)[0], 'Console', 'the console is printed first');

  // The console: its page never cached and under a CSP without inline scripts; hashed assets for a year.
  const page = await fetch(first.urls['Console']!);
  t.equal(page.status, 200);
  t.equal(page.headers.get('cache-control'), 'no-cache');
  t.match(page.headers.get('content-security-policy'), /script-src 'self'(;|$)/);
  const html = await page.text();
  t.match(html, /<div id="root"><\/div>/);
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  const assetAnswer = await fetch(new URL(asset!, first.urls['Console']).toString());
  t.equal(assetAnswer.status, 200);
  t.equal(assetAnswer.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.equal((await fetch(new URL('/requests/new', first.urls['Console']).toString())).status, 200, 'a console path is the page');
  const unknownApi = await fetch(`${first.urls['API']}/no-such-thing`);
  t.equal(unknownApi.status, 404, 'an unknown API path is still the API’s 404');
  t.match(await unknownApi.json(), { code: 'route_not_found' });

  t.equal((await fetch(first.urls['Readiness']!)).status, 200);
  const docs = await fetch(first.urls['API docs']!);
  t.equal(docs.status, 200);
  t.match(await docs.text(), /swagger/i);
  const spec = (await (await fetch(`${first.urls['API docs']}/json`)).json()) as { paths: Record<string, unknown> };
  t.ok('/api/v1/system/info' in spec.paths, '/docs serves the spec');
  const anonymous = (await (await fetch(`${first.urls['API']}/system/info`)).json()) as Record<string, unknown>;
  t.same(anonymous, { name: 'gongxiang', demoMode: true }, 'anyone learns only that demo sign-in is on');
  t.equal((await fetch(first.urls['Temporal UI']!)).status, 200, 'the Temporal Web UI answers');

  // The demo data is there, down to requests moved on by their workflows in the same process.
  const signIn = await fetch(`${first.urls['API']}/auth/demo-sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dsc.operator' }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const info = (await (await fetch(`${first.urls['API']}/system/info`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    database: string;
    demoMode: boolean;
  };
  t.same({ database: info.database, demoMode: info.demoMode }, { database: 'pglite', demoMode: true }, 'a signed-in user the rest');
  const listed = (await (
    await fetch(`${first.urls['API']}/requests?limit=100`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { items: { state: string; track: number }[] };
  t.same(
    [...new Set(listed.items.map((r) => r.state))].sort(),
    [
      'awaiting_owner_delivery',
      'awaiting_supplement',
      'coordination',
      'explanation_due',
      'granted',
      'owner_review',
      'provisioning',
      'refused',
    ],
    'demo requests in every state the center sees',
  );

  const secrets = readFileSync(join(dataDir, 'secrets.env'), 'utf8');
  t.equal(await interrupt(first), 0, 'Ctrl-C is a clean stop');
  t.ok(await gone(first.child.pid!), 'no process of the group is left behind');
  await t.rejects(fetch(first.urls['Readiness']!), 'the API port is closed');

  const second = await runStart({ root, dataDir, ports });
  t.notMatch(second.output(), /generated a token signing key/, 'a second start reuses the data folder');
  t.equal(readFileSync(join(dataDir, 'secrets.env'), 'utf8'), secrets);
  t.equal((await fetch(second.urls['Readiness']!)).status, 200);
  t.equal(await interrupt(second), 0);
  t.ok(await gone(second.child.pid!), 'nor after the second');
});
