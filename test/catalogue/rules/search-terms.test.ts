import t from 'tap';
import { codePrefix, documentLexemes, MAX_WORD_LENGTH, queryLexemes, toTsqueryLiteral } from '../../../src/catalogue/rules/search-terms.js';

const matches = (query: string, ...doc: string[]) => {
  const lexemes = new Set(documentLexemes(...doc));
  const wanted = queryLexemes(query);
  return wanted.length > 0 && wanted.every((l) => lexemes.has(l));
};

t.test('two-character and longer Chinese queries find what contains them', async (t) => {
  t.ok(matches('社保', '社保缴纳记录'));
  t.ok(matches('户籍', '人口基本信息', '户籍所在地'), 'in a field name');
  t.ok(matches('缴纳记录', '社保缴纳记录'));
  t.ok(matches('社', '社保缴纳记录'), 'a single character');
  t.notOk(matches('医保', '社保缴纳记录'));
  t.notOk(matches('保社', '社保缴纳记录'), 'order matters within a word');
  t.ok(matches('法人 信用', '法人基本信息', '纳税信用等级'), 'several words: all must match');
  t.notOk(matches('法人 婚姻', '法人基本信息'));
});

t.test('Latin words and digits, full-width forms and case are normalized', async (t) => {
  t.ok(matches('GB', 'ＧＢ／Ｔ 2260 行政区划代码'), 'full-width letters');
  t.ok(matches('2260', 'GB/T 2260 行政区划代码'));
  t.ok(matches('api', '接口 API 说明'));
  t.ok(matches('社保API', '社保 api'));
  t.same(queryLexemes('  ，。！'), [], 'nothing searchable');
});

t.test('documents index unigrams and bigrams once each', async (t) => {
  t.same(documentLexemes('学籍信息').sort(), ['信', '信息', '息', '学', '学籍', '籍', '籍信'].sort());
  t.same(documentLexemes(null, undefined, ''), []);
  t.same(queryLexemes('学籍信息'), ['学籍', '籍信', '信息']);
});

t.test('tsquery literals quote every lexeme', async (t) => {
  t.equal(toTsqueryLiteral(['社保', "o'neil", 'a\\b']), "'社保' & 'o''neil' & 'a\\\\b'");
});

t.test('over-long words are cut alike in documents and queries (PostgreSQL refuses lexemes over 2 KB)', async (t) => {
  const long = 'a'.repeat(5000);
  const [lexeme] = documentLexemes(long);
  t.equal(lexeme!.length, MAX_WORD_LENGTH);
  t.same(queryLexemes(long), [lexeme], 'a query for the same word still finds it');
  t.ok(matches('a'.repeat(80), `${long} 数据`), 'a query sharing the first 64 letters matches');
});

t.test('a query that could begin a dataset code stands for that prefix, in upper case', async (t) => {
  t.equal(codePrefix('amr-fr'), 'AMR-FR', 'amr-fr → AMR-FR, which begins AMR-FR-001');
  t.equal(codePrefix('AMR'), 'AMR');
  t.equal(codePrefix(' Amr-Fr-001 '), 'AMR-FR-001', 'trimmed, any case');
  t.equal(codePrefix('ａｍｒ－ｆｒ'), 'AMR-FR', 'full-width forms');
  t.equal(codePrefix('amr fr'), undefined, 'two words are no code');
  t.equal(codePrefix('社保'), undefined);
  t.equal(codePrefix('-fr'), undefined, 'no code starts with a hyphen');
  t.equal(codePrefix("amr'"), undefined);
  t.equal(codePrefix(''), undefined);
  t.equal(codePrefix('A'.repeat(41)), undefined, 'longer than any code');
});
