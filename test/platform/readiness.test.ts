import { randomUUID } from 'node:crypto';
import t from 'tap';
import { loadConfig } from '../../src/platform/config.js';
import { openPostgres } from '../../src/platform/db/client.js';
import { connectTemporal } from '../../src/platform/temporal/connection.js';
import { startTestApp } from '../helpers/app.js';
import { testEnv } from '../helpers/env.js';
import { bearer } from '../helpers/identity.js';
import { startOwnPostgres, startOwnTemporal } from '../helpers/servers.js';

t.test('readiness is 503 naming PostgreSQL while its server is down; liveness stays up', async (t) => {
  const pg = await startOwnPostgres();
  t.teardown(pg.destroy);
  const database = openPostgres(pg.url, 2);
  const harness = await startTestApp({ database });
  t.teardown(async () => {
    await harness.close();
    await database.close();
  });

  const up = await harness.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(up.statusCode, 200);

  await pg.stop();
  const down = await harness.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(down.statusCode, 503);
  const body = down.json();
  t.equal(body.status, 'not_ready');
  t.equal(body.checks.database.status, 'down');
  t.notOk('error' in body.checks.database, 'the reason is logged, not told to anonymous callers');
  t.same(body.checks.temporal, { status: 'up' });

  const live = await harness.app.inject({ method: 'GET', url: '/healthz' });
  t.equal(live.statusCode, 200, 'liveness does not depend on the database');

  // A call that needs the database: 503 with Retry-After and a code, not a 500.
  const call = await harness.app.inject({
    method: 'GET',
    url: '/api/v1/requests',
    headers: await bearer(harness.config, { id: randomUUID() } as Parameters<typeof bearer>[1]),
  });
  t.equal(call.statusCode, 503, call.body);
  t.match(call.json(), { code: 'database_unavailable', message: /try again/, requestId: /.+/ });
  t.equal(call.headers['retry-after'], '5');
});

t.test('readiness is 503 naming Temporal while its server is down', async (t) => {
  const temporalServer = await startOwnTemporal();
  t.teardown(temporalServer.stop);
  const config = loadConfig(testEnv({ TEMPORAL_ADDRESS: temporalServer.address }));
  const temporal = connectTemporal(config.temporal);
  const harness = await startTestApp({ config, temporal });
  t.teardown(async () => {
    await harness.close();
    await temporal.close();
  });

  const up = await harness.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(up.statusCode, 200);

  await temporalServer.stop();
  const down = await harness.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(down.statusCode, 503);
  t.same(down.json().checks.database, { status: 'up' });
  t.equal(down.json().checks.temporal.status, 'down');
});

t.test('the API starts and reports not-ready when Temporal was never reachable', async (t) => {
  const config = loadConfig(testEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' }));
  const harness = await startTestApp({ config });
  t.teardown(harness.close);
  const res = await harness.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 503);
  t.equal(res.json().checks.temporal.status, 'down');
});
