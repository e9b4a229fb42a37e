import t from 'tap';
import { routingChanged, type ScenarioRouting } from '../../../src/catalogue/rules/scenario.js';

const before: ScenarioRouting = {
  kind: 'one_network_service',
  validFrom: '2026-01-01',
  validTo: null,
  coverage: [
    { datasetCode: 'A', fields: ['姓名', '公民身份号码'] },
    { datasetCode: 'B', fields: ['统一社会信用代码'] },
  ],
};

t.test('what routing reads of a scenario: coverage, kind and validity, not the order they are listed in', async (t) => {
  t.equal(routingChanged(before, { ...before }), false);
  t.equal(
    routingChanged(before, {
      ...before,
      coverage: [
        { datasetCode: 'B', fields: ['统一社会信用代码'] },
        { datasetCode: 'A', fields: ['公民身份号码', '姓名'] },
      ],
    }),
    false,
    'reordered',
  );
  t.equal(routingChanged(before, { ...before, validTo: undefined }), false, 'no end date either way');
  t.equal(
    routingChanged(before, { ...before, coverage: [...before.coverage, { datasetCode: 'C', fields: ['x'] }] }),
    true,
    'a dataset added',
  );
  t.equal(
    routingChanged(before, { ...before, coverage: [{ datasetCode: 'A', fields: ['姓名', '公民身份号码', '住址'] }, before.coverage[1]!] }),
    true,
    'a field added',
  );
  t.equal(routingChanged(before, { ...before, coverage: [before.coverage[0]!] }), true, 'a dataset dropped');
  t.equal(routingChanged(before, { ...before, kind: 'no_application' }), true, 'the kind (免申即享 changes refusals)');
  t.equal(routingChanged(before, { ...before, validFrom: '2025-01-01' }), true);
  t.equal(routingChanged(before, { ...before, validTo: '2027-12-31' }), true);
});
