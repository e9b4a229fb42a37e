import t from 'tap';
import { uuidFromName } from '../../../src/notifications/ids.js';
import { signWebhook, verifyWebhookSignature } from '../../../src/notifications/rules/signature.js';

t.test('a signature verifies only with the same secret, delivery id, timestamp and body, within the tolerance', async (t) => {
  const now = 1_800_000_000;
  const headers = { signature: signWebhook('whsec_a', 'd-1', now, '{"x":1}'), deliveryId: 'd-1', timestamp: String(now) };
  t.match(headers.signature, /^v1=[0-9a-f]{64}$/);
  t.ok(verifyWebhookSignature('whsec_a', headers, '{"x":1}', now + 10));
  t.notOk(verifyWebhookSignature('whsec_b', headers, '{"x":1}', now), 'other secret');
  t.notOk(verifyWebhookSignature('whsec_a', headers, '{"x":2}', now), 'other body');
  t.notOk(verifyWebhookSignature('whsec_a', { ...headers, deliveryId: 'd-2' }, '{"x":1}', now), 'other delivery');
  t.notOk(verifyWebhookSignature('whsec_a', headers, '{"x":1}', now + 301), 'stale');
  t.notOk(verifyWebhookSignature('whsec_a', { ...headers, timestamp: 'soon' }, '{"x":1}', now));
  t.notOk(verifyWebhookSignature('whsec_a', { ...headers, signature: undefined }, '{"x":1}', now));
  t.notOk(verifyWebhookSignature('whsec_a', { ...headers, signature: 'v1=00' }, '{"x":1}', now), 'short signature');
});

t.test('delivery ids are stable UUIDs derived from their name', async (t) => {
  const id = uuidFromName('outbox-1:webhook-1');
  t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(uuidFromName('outbox-1:webhook-1'), id);
  t.not(uuidFromName('outbox-1:webhook-2'), id);
});
