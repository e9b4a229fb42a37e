import t from 'tap';
import { RELAY_WAKE_SPACING_MS, pokeNotificationRelay, relayWorkflowId } from '../../src/notifications/relay.js';
import { connectTemporal } from '../../src/platform/temporal/connection.js';
import { testConfig } from '../helpers/env.js';

// No worker polls this file's queue: the relay's history records every signal that reached it,
// and nothing else happens to it.
const config = testConfig();
const temporal = connectTemporal(config.temporal);
t.teardown(() => temporal.close());
const relay = await temporal.client.workflow.start('notificationRelayWorkflow', {
  taskQueue: config.temporal.taskQueue,
  workflowId: relayWorkflowId(config.temporal.taskQueue),
  args: [{ pollIntervalMs: 5_000, batchSize: 50 }],
});
t.teardown(() => relay.terminate('test finished'));

async function signalsReceived(): Promise<number> {
  const history = await relay.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
}

t.test('a burst of wake-ups costs two signals: the first, and one after it for everyone who came later', async (t) => {
  const started = Date.now();
  await Promise.all(Array.from({ length: 25 }, () => pokeNotificationRelay(temporal.client, config.temporal)));
  t.equal(await signalsReceived(), 2);
  // Those who came while the first was under way waited for a signal sent after their call.
  t.ok(Date.now() - started >= RELAY_WAKE_SPACING_MS, 'the second signal kept its distance from the first');
});

t.test('a wake-up when none is under way is sent at once, and each call is answered', async (t) => {
  await pokeNotificationRelay(temporal.client, config.temporal);
  t.equal(await signalsReceived(), 3);
  await pokeNotificationRelay(temporal.client, config.temporal);
  t.equal(await signalsReceived(), 4);
});

t.test('an unreachable relay is not an error: its poll finds the entries later', async (t) => {
  const elsewhere = { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-without-relay` };
  await t.resolves(pokeNotificationRelay(temporal.client, elsewhere));
});
