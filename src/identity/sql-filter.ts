import type { AnyAbility } from '@casl/ability';
import { rulesToAST } from '@casl/ability/extra';
import { and, eq, gt, gte, inArray, lt, lte, not, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** A node of CASL's condition tree: compound (and/or/not over nodes) or a field comparison. */
type ConditionNode = { operator: string; value: unknown; field?: string };

/**
 * Which column each condition field of a subject lives in, or — for a field that is a list (the
 * departments verifying an objection) — the SQL that says the list holds a value. Fields not
 * listed cannot be filtered.
 */
export type FieldMap = Record<string, AnyPgColumn | ((value: unknown) => SQL)>;

/**
 * The caller's read rules for a subject type as a SQL condition, so a list shows exactly the
 * rows a single read would allow. `undefined` = no restriction; `sql\`false\`` = nothing.
 * An unknown field or operator throws: a rule that cannot be translated must not widen a list.
 */
export function accessibleWhere(ability: AnyAbility, action: string, subjectType: string, fields: FieldMap): SQL | undefined {
  const ast = rulesToAST(ability, action, subjectType) as ConditionNode | null;
  if (ast === null) return sql`false`;
  return translate(ast, fields, subjectType);
}

function translate(node: ConditionNode, fields: FieldMap, subjectType: string): SQL | undefined {
  switch (node.operator) {
    case 'and': {
      const parts = (node.value as ConditionNode[]).map((c) => translate(c, fields, subjectType));
      if (parts.length === 0 || parts.every((p) => p === undefined)) return undefined;
      return and(...parts);
    }
    case 'or': {
      const parts = (node.value as ConditionNode[]).map((c) => translate(c, fields, subjectType));
      if (parts.some((p) => p === undefined)) return undefined; // one branch allows everything
      return or(...parts);
    }
    case 'not': {
      const [inner] = (node.value as ConditionNode[]).map((c) => translate(c, fields, subjectType));
      return inner === undefined ? sql`false` : not(inner);
    }
  }
  const { field = '', value } = node;
  const column = fields[field];
  if (!column) throw new Error(`authorization rule on ${subjectType}.${field} has no column mapping`);
  if (typeof column === 'function') {
    // A list field: CASL's equality on an array means "contains".
    if (node.operator !== 'eq' || value === null)
      throw new Error(`authorization rule on ${subjectType}.${field} uses unsupported operator "${node.operator}"`);
    return column(value);
  }
  switch (node.operator) {
    case 'eq':
      return value === null ? sql`${column} is null` : eq(column, value);
    case 'ne':
      // IS DISTINCT FROM, so a NULL column counts as "not equal", as CASL's in-memory check does.
      return value === null ? sql`${column} is not null` : sql`${column} is distinct from ${value}`;
    case 'in':
      return inArray(column, value as unknown[]);
    case 'nin':
      return notInArray(column, value as unknown[]);
    case 'lt':
      return lt(column, value);
    case 'lte':
      return lte(column, value);
    case 'gt':
      return gt(column, value);
    case 'gte':
      return gte(column, value);
    default:
      throw new Error(`authorization rule on ${subjectType}.${field} uses unsupported operator "${node.operator}"`);
  }
}
