/**
 * Search lexemes for Chinese catalogue text (pure). Debian's PostgreSQL has no Chinese parser
 * and trigram indexes cannot serve two-character queries (社保, 户籍), so the application indexes
 * character unigrams and bigrams of every run of Han characters, plus whole Latin/digit words,
 * in a GIN-indexed tsvector (`array_to_tsvector`); a query matches when all its lexemes do.
 */
const HAN = /\p{Script=Han}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function hanGrams(run: string, withUnigrams: boolean): string[] {
  const chars = [...run];
  const grams: string[] = [];
  if (withUnigrams || chars.length === 1) grams.push(...chars);
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  return grams;
}

/**
 * Words are cut to this many characters, in documents and queries alike: PostgreSQL refuses a
 * lexeme over 2 KB, and nobody searches by the 65th letter of a word.
 */
export const MAX_WORD_LENGTH = 64;

function words(text: string): string[] {
  // Latin and digit words, once the Han runs are taken out.
  return [...text.replace(HAN, ' ').matchAll(WORD)].map((m) => [...m[0]].slice(0, MAX_WORD_LENGTH).join(''));
}

/** Every lexeme of a document's texts (name, description, field names …), deduplicated. */
export function documentLexemes(...texts: (string | null | undefined)[]): string[] {
  const lexemes = new Set<string>();
  for (const raw of texts) {
    if (!raw) continue;
    const text = normalize(raw);
    for (const run of text.match(HAN) ?? []) for (const g of hanGrams(run, true)) lexemes.add(g);
    for (const w of words(text)) lexemes.add(w);
  }
  return [...lexemes];
}

/**
 * The lexemes a query must all match: bigrams of each Han run (a single character stands for
 * itself) and whole words. Empty when the query has nothing searchable.
 */
export function queryLexemes(query: string): string[] {
  const text = normalize(query);
  const lexemes = new Set<string>();
  for (const run of text.match(HAN) ?? []) for (const g of hanGrams(run, false)) lexemes.add(g);
  for (const w of words(text)) lexemes.add(w);
  return [...lexemes];
}

/** A tsquery literal AND-ing the lexemes exactly as stored (no parser involved). */
export function toTsqueryLiteral(lexemes: readonly string[]): string {
  return lexemes.map((l) => `'${l.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' & ');
}

/** What a dataset code may be (the contract's pattern), and so what may begin one. */
const CODE_PREFIX = /^[A-Z0-9][A-Z0-9-]{0,39}$/;

/**
 * The code prefix a query stands for, if it could begin a dataset code: the whole query,
 * normalized, trimmed and upper-cased (`amr-fr` → `AMR-FR`, which finds `AMR-FR-001`).
 * Undefined for anything else: Chinese words, several words, characters no code holds.
 */
export function codePrefix(query: string): string | undefined {
  const text = query.normalize('NFKC').trim().toUpperCase();
  return CODE_PREFIX.test(text) ? text : undefined;
}
