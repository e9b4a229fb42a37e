/**
 * The limits the contract (openapi/openapi.yaml) sets on each operation's JSON body — required
 * fields, lengths, ranges, item counts, enumerations — extracted at build time so the console's
 * forms check exactly what the server will (served to the console as `virtual:contract-limits`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface FieldLimits {
  required?: true;
  type?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  /** A format the value must match (the contract's blanket "no NUL character" pattern left out). */
  pattern?: string;
}
/** operationId → field path (`a.b`; an array's items at `a[]`) → its limits. */
export type ContractLimits = Record<string, Record<string, FieldLimits>>;

type Schema = Record<string, unknown>;
const KEPT = ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'enum'] as const;
// Every text of the contract refuses the NUL character: not a format worth a form rule.
const NO_NUL = '^[^\\u0000]*$';

function resolve(doc: Schema, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema;
  return resolve(
    doc,
    ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Schema | undefined>((node, key) => node?.[key] as Schema | undefined, doc),
  );
}

function walk(doc: Schema, schema: Schema | undefined, path: string, required: boolean, into: Record<string, FieldLimits>): void {
  const resolved = resolve(doc, schema);
  if (!resolved) return;
  if (path) {
    const types = ([] as unknown[]).concat(resolved.type ?? []).filter((t) => t !== 'null');
    const limits: FieldLimits = {
      ...(required ? { required: true as const } : {}),
      ...(typeof types[0] === 'string' ? { type: types[0] } : {}),
    };
    for (const key of KEPT) if (resolved[key] !== undefined) Object.assign(limits, { [key]: resolved[key] });
    if (typeof resolved.pattern === 'string' && resolved.pattern !== NO_NUL) limits.pattern = resolved.pattern;
    into[path] = limits;
  }
  const requiredNames = new Set((resolved.required as string[] | undefined) ?? []);
  for (const [name, child] of Object.entries((resolved.properties as Record<string, Schema> | undefined) ?? {}))
    walk(doc, child, path ? `${path}.${name}` : name, requiredNames.has(name), into);
  if (resolved.items) walk(doc, resolved.items as Schema, `${path}[]`, false, into);
}

export function contractLimits(doc: Schema): ContractLimits {
  const out: ContractLimits = {};
  for (const operations of Object.values((doc.paths as Record<string, Record<string, Schema>> | undefined) ?? {})) {
    for (const operation of Object.values(operations)) {
      const id = operation?.operationId;
      const body = (operation?.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined;
      const schema = body?.['application/json']?.schema as Schema | undefined;
      if (typeof id !== 'string' || !schema) continue;
      walk(doc, schema, '', false, (out[id] = {}));
    }
  }
  return out;
}

export function contractLimitsOf(specPath: string): ContractLimits {
  return contractLimits(parse(readFileSync(specPath, 'utf8')) as Schema);
}
