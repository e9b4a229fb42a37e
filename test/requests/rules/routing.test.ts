import t from 'tap';
import { SHARING_TYPES } from '../../../src/catalogue/rules/dataset.js';
import { routeRequest } from '../../../src/requests/rules/routing.js';

const requested = ['姓名', '公民身份号码'];
const scenarios = {
  none: null,
  off_list: { onKeyList: false, coveredFields: requested },
  on_list_covering: { onKeyList: true, coveredFields: [...requested, '住址'] },
  on_list_partial: { onKeyList: true, coveredFields: ['姓名'] },
} as const;

type Scenario = keyof typeof scenarios;
/**
 * Every combination with its expected track and rule, written out by hand from DESIGN.md (not
 * computed, so a rule applied in the wrong order cannot be wrong in the test too).
 */
const TABLE: [(typeof SHARING_TYPES)[number], boolean, Scenario, number, string][] = [
  // sharing type     aggregated  scenario            track  rule
  ['unconditional', true, 'none', 1, 'unconditional'],
  ['unconditional', true, 'off_list', 1, 'unconditional'],
  ['unconditional', true, 'on_list_covering', 1, 'key_list_scenario'],
  ['unconditional', true, 'on_list_partial', 1, 'unconditional'],
  ['unconditional', false, 'none', 15, 'not_aggregated'],
  ['unconditional', false, 'off_list', 15, 'not_aggregated'],
  ['unconditional', false, 'on_list_covering', 15, 'not_aggregated'],
  ['unconditional', false, 'on_list_partial', 15, 'not_aggregated'],
  ['conditional', true, 'none', 5, 'conditional'],
  ['conditional', true, 'off_list', 5, 'conditional'],
  ['conditional', true, 'on_list_covering', 1, 'key_list_scenario'],
  ['conditional', true, 'on_list_partial', 5, 'conditional'],
  ['conditional', false, 'none', 15, 'not_aggregated'],
  ['conditional', false, 'off_list', 15, 'not_aggregated'],
  ['conditional', false, 'on_list_covering', 15, 'not_aggregated'],
  ['conditional', false, 'on_list_partial', 15, 'not_aggregated'],
  ['not_shareable', true, 'none', 15, 'not_shareable'],
  ['not_shareable', true, 'off_list', 15, 'not_shareable'],
  ['not_shareable', true, 'on_list_covering', 15, 'not_shareable'],
  ['not_shareable', true, 'on_list_partial', 15, 'not_shareable'],
  ['not_shareable', false, 'none', 15, 'not_shareable'],
  ['not_shareable', false, 'off_list', 15, 'not_shareable'],
  ['not_shareable', false, 'on_list_covering', 15, 'not_shareable'],
  ['not_shareable', false, 'on_list_partial', 15, 'not_shareable'],
];

t.test('every combination of sharing type × aggregated × scenario (off / on the list, covering / not)', async (t) => {
  const combinations = new Set(TABLE.map(([type, aggregated, scenario]) => `${type}/${aggregated}/${scenario}`));
  t.equal(combinations.size, SHARING_TYPES.length * 2 * Object.keys(scenarios).length, 'the table holds each of the 24 combinations once');
  for (const [sharingType, aggregated, scenario, track, rule] of TABLE) {
    const decision = routeRequest({ dataset: { sharingType, aggregated }, requestedFields: requested, scenario: scenarios[scenario] });
    t.same(
      [decision.track, decision.rule],
      [track, rule],
      `${sharingType}, ${aggregated ? 'aggregated' : 'not aggregated'}, scenario ${scenario}`,
    );
    t.ok(decision.reasons.length > 0, 'a decision gives its reasons');
    t.same(decision.missingFields, scenario === 'on_list_partial' ? ['公民身份号码'] : []);
  }
});

t.test('a key-list scenario that misses a field says which, and the request falls to its sharing type', async (t) => {
  const decision = routeRequest({
    dataset: { sharingType: 'conditional', aggregated: true },
    requestedFields: ['姓名', '公民身份号码', '住址'],
    scenario: { onKeyList: true, coveredFields: ['姓名'] },
  });
  t.equal(decision.track, 5);
  t.same(decision.missingFields, ['公民身份号码', '住址']);
  t.match(decision.reasons, [/aggregated/, /conditionally shared/, /does not list 公民身份号码, 住址/]);
});

t.test('unconditional data not yet aggregated goes to coordination for delivery only: the owner cannot refuse', async (t) => {
  t.match(routeRequest({ dataset: { sharingType: 'unconditional', aggregated: false }, requestedFields: requested, scenario: null }), {
    track: 15,
    ownerMayRefuse: false,
    reasons: [/未归集/, /cannot refuse/],
  });
  t.match(routeRequest({ dataset: { sharingType: 'conditional', aggregated: false }, requestedFields: requested, scenario: null }), {
    track: 15,
    ownerMayRefuse: true,
  });
  t.match(
    routeRequest({
      dataset: { sharingType: 'not_shareable', aggregated: true },
      requestedFields: requested,
      scenario: scenarios.on_list_covering,
    }),
    { track: 15, ownerMayRefuse: true },
    'not shareable wins even over the key-work list',
  );
  t.match(
    routeRequest({
      dataset: { sharingType: 'conditional', aggregated: true },
      requestedFields: requested,
      scenario: scenarios.on_list_covering,
    }),
    { track: 1, ownerMayRefuse: false },
  );
});
