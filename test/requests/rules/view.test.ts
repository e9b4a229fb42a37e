import t from 'tap';
import { isSupplementOpen } from '../../../src/requests/rules/view.js';

t.test('a supplement is open until it is answered or lapses', async (t) => {
  const asked = new Date('2037-03-02T02:00:00Z');
  const later = new Date('2037-03-03T02:00:00Z');
  t.equal(isSupplementOpen({ answeredAt: null, lapsedAt: null }), true, 'asked, nothing since: open');
  t.equal(isSupplementOpen({ answeredAt: later, lapsedAt: null }), false, 'answered: closed');
  t.equal(isSupplementOpen({ answeredAt: null, lapsedAt: later }), false, 'lapsed: closed');
  t.equal(isSupplementOpen({ answeredAt: asked, lapsedAt: later }), false, 'both recorded: closed');
});
