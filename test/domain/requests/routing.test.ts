import t from 'tap';
import { SHARING_TYPES } from '../../../src/domain/catalogue/dataset.js';
import { routeRequest, type RoutingSnapshot } from '../../../src/domain/requests/routing.js';

const requested = ['姓名', '公民身份号码'];
const scenarios = {
  none: null,
  off_list: { onKeyList: false, coveredFields: requested },
  on_list_covering: { onKeyList: true, coveredFields: [...requested, '住址'] },
  on_list_partial: { onKeyList: true, coveredFields: ['姓名'] },
} as const;

/** Expected track and rule for every combination, written out from DESIGN.md's four rules. */
function expected(sharingType: (typeof SHARING_TYPES)[number], aggregated: boolean, scenario: keyof typeof scenarios): [number, string] {
  if (sharingType === 'not_shareable') return [15, 'not_shareable'];
  if (!aggregated) return [15, 'not_aggregated'];
  if (scenario === 'on_list_covering') return [1, 'key_list_scenario'];
  if (sharingType === 'unconditional') return [1, 'unconditional'];
  return [5, 'conditional'];
}

t.test('every combination of sharing type × aggregated × scenario (off / on the list, covering / not)', async (t) => {
  let cases = 0;
  for (const sharingType of SHARING_TYPES) {
    for (const aggregated of [true, false]) {
      for (const scenario of Object.keys(scenarios) as (keyof typeof scenarios)[]) {
        const snapshot: RoutingSnapshot = { dataset: { sharingType, aggregated }, requestedFields: requested, scenario: scenarios[scenario] };
        const decision = routeRequest(snapshot);
        t.same([decision.track, decision.rule], expected(sharingType, aggregated, scenario), `${sharingType}, ${aggregated ? 'aggregated' : 'not aggregated'}, scenario ${scenario}`);
        t.ok(decision.reasons.length > 0, 'a decision gives its reasons');
        t.same(decision.missingFields, scenario === 'on_list_partial' ? ['公民身份号码'] : []);
        cases++;
      }
    }
  }
  t.equal(cases, 24);
});

t.test('a key-list scenario that misses a field says which, and the request falls to its sharing type', async (t) => {
  const decision = routeRequest({ dataset: { sharingType: 'conditional', aggregated: true }, requestedFields: ['姓名', '公民身份号码', '住址'], scenario: { onKeyList: true, coveredFields: ['姓名'] } });
  t.equal(decision.track, 5);
  t.same(decision.missingFields, ['公民身份号码', '住址']);
  t.match(decision.reasons, [/aggregated/, /conditionally shared/, /does not list 公民身份号码, 住址/]);
});

t.test('unconditional data not yet aggregated goes to coordination for delivery only: the owner cannot refuse', async (t) => {
  t.match(routeRequest({ dataset: { sharingType: 'unconditional', aggregated: false }, requestedFields: requested, scenario: null }), { track: 15, ownerMayRefuse: false, reasons: [/未归集/, /cannot refuse/] });
  t.match(routeRequest({ dataset: { sharingType: 'conditional', aggregated: false }, requestedFields: requested, scenario: null }), { track: 15, ownerMayRefuse: true });
  t.match(routeRequest({ dataset: { sharingType: 'not_shareable', aggregated: true }, requestedFields: requested, scenario: scenarios.on_list_covering }), { track: 15, ownerMayRefuse: true }, 'not shareable wins even over the key-work list');
  t.match(routeRequest({ dataset: { sharingType: 'conditional', aggregated: true }, requestedFields: requested, scenario: scenarios.on_list_covering }), { track: 1, ownerMayRefuse: false });
});
