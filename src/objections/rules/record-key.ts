/**
 * The record an objection is about (pure). The platform does not hold the data itself, so a record
 * is known by its key: the value of the dataset's identifying field, which must be a valid
 * identifier of its kind — a resident identity number (GB 11643, ISO 7064 MOD 11-2 check) for data
 * on natural persons, a unified social credit code (GB 32100, mod-31 check) for legal persons — or,
 * for data keyed otherwise, a printable key of at most 100 characters.
 */

export type RecordKeyKind = 'resident_id' | 'credit_code' | 'other';

/** The identifying field of a dataset, by the fields it has. */
export function recordKeyOf(fields: readonly string[]): { field: string | null; kind: RecordKeyKind } {
  if (fields.includes('公民身份号码')) return { field: '公民身份号码', kind: 'resident_id' };
  if (fields.includes('统一社会信用代码')) return { field: '统一社会信用代码', kind: 'credit_code' };
  return { field: null, kind: 'other' };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function isResidentId(key: string): boolean {
  if (!/^\d{17}[\dX]$/.test(key)) return false;
  const birth = key.slice(6, 14);
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replaceAll('-', '') !== birth) return false;
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(key[i]), 0);
  return ID_CHECK[sum % 11] === key[17];
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function isCreditCode(key: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(key)) return false;
  const sum = USCC_WEIGHTS.reduce((s, w, i) => s + w * USCC_CHARS.indexOf(key[i]!), 0);
  return USCC_CHARS[(31 - (sum % 31)) % 31] === key[17];
}

/** Null when the key names a record of a dataset with these fields; else why not. */
export function recordKeyProblem(fields: readonly string[], key: string): string | null {
  const { field, kind } = recordKeyOf(fields);
  if (kind === 'resident_id' && !isResidentId(key)) return `recordKey: not a valid ${field} (18 characters with a valid check digit)`;
  if (kind === 'credit_code' && !isCreditCode(key)) return `recordKey: not a valid ${field} (18 characters with a valid check character)`;
  if (kind === 'other' && !/^[^\p{Cc}]{1,100}$/u.test(key)) return 'recordKey: 1 to 100 printable characters';
  return null;
}
