/**
 * Every error code the server's source can raise has a Chinese message in the console: the codes
 * are read from the source itself (error constructors, `code:` literals, the HTTP edge's map), so
 * a new code without its message fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { notFoundCode } from '../../src/identity/authorize.js';
import { Subject } from '../../src/identity/rules/abilities.js';
import { ERROR_MESSAGES } from '../../web/src/lib/error-messages.js';

const root = new URL('../../src/', import.meta.url).pathname;
// Not API error codes: zod's issue kind in configuration checks at start-up.
const NOT_API_CODES = new Set(['custom']);

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'generated') yield* sourceFiles(path);
    } else if (path.endsWith('.ts')) yield path;
  }
}

function codesInSource(): Set<string> {
  const codes = new Set<string>();
  const patterns = [
    /(?:Error|AppError)\(\s*(?:\d+\s*,\s*)?'([a-z][a-z0-9_]+)'/g,
    // the rules' own problem builders (requests: filing problems, action violations)
    /\b(?:invalid|problem|conflict)\(\s*'([a-z][a-z0-9_]+)'/g,
    /\bcode:\s*'([a-z][a-z0-9_]+)'/g,
    /FST_ERR_[A-Z_]+:\s*'([a-z_]+)'/g,
    // [flag, code, what] tables of one-of-a-kind departments
    /\['is[A-Za-z]+', '([a-z_]+)'/g,
  ];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1]!);
  }
  // The 404 of every kind of record, built from its subject type.
  for (const type of Object.values(Subject)) codes.add(notFoundCode(type));
  for (const code of NOT_API_CODES) codes.delete(code);
  return codes;
}

t.test('every code the server raises has a zh-CN message', async (t) => {
  const codes = codesInSource();
  t.ok(codes.size > 80, `the source's codes are found (${codes.size})`);
  for (const known of ['request_not_found', 'invalid_refusal', 'payload_too_large', 'data_center_exists'])
    t.ok(codes.has(known), `${known} is among them`);
  const missing = [...codes].filter((code) => !(code in ERROR_MESSAGES)).sort();
  t.same(missing, [], 'no code without a message');
});

t.test('each message is Chinese, for a person', async (t) => {
  for (const [code, message] of Object.entries(ERROR_MESSAGES)) {
    t.match(message, /[\u4e00-\u9fff]/, `${code} reads in Chinese`);
    t.notMatch(message, /[a-z]+_[a-z_]+/, `${code} shows no machine code`);
  }
});
