import t from 'tap';
import { catalogueImpacts, type CatalogueState } from '../../../src/grants/rules/catalogue-impact.js';

const published: CatalogueState = { lifecycle: 'published', sharingType: 'conditional', fields: ['姓名', '公民身份号码', '婚姻状况'] };

t.test('a revision that touches nothing the grant holds changes nothing', async (t) => {
  t.same(catalogueImpacts(published, { ...published, fields: ['姓名', '公民身份号码'] }, ['姓名']), [], 'a field the grant lacks');
  t.same(catalogueImpacts(published, { ...published, sharingType: 'unconditional' }, ['姓名']), [], 'wider sharing');
  t.same(catalogueImpacts(published, published, ['姓名']), []);
});

t.test('retired, no longer shareable, fields removed: each told', async (t) => {
  t.same(catalogueImpacts(published, { ...published, lifecycle: 'retired' }, ['姓名']), [{ kind: 'dataset_retired' }]);
  t.same(catalogueImpacts(published, { ...published, sharingType: 'not_shareable' }, ['姓名']), [{ kind: 'became_not_shareable' }]);
  t.same(catalogueImpacts(published, { ...published, fields: ['姓名'] }, ['姓名', '婚姻状况', '公民身份号码']), [
    { kind: 'fields_removed', fields: ['婚姻状况', '公民身份号码'] },
  ]);
  t.same(
    catalogueImpacts(published, { lifecycle: 'retired', sharingType: 'not_shareable', fields: [] }, ['婚姻状况']),
    [{ kind: 'dataset_retired' }, { kind: 'became_not_shareable' }, { kind: 'fields_removed', fields: ['婚姻状况'] }],
    'all at once, the most serious first',
  );
});

t.test('a state it already had is no news', async (t) => {
  const retired: CatalogueState = { ...published, lifecycle: 'retired', sharingType: 'not_shareable' };
  t.same(catalogueImpacts(retired, retired, ['姓名']), []);
});
