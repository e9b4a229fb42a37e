/**
 * Form rules from the contract itself: what an operation's body requires and limits (lengths,
 * ranges, item counts), as Ant Design validation rules and input props, so a form refuses before
 * submitting exactly what the API would refuse.
 */
import type { Rule } from 'antd/es/form';
import limits from 'virtual:contract-limits';

type Operation = keyof typeof limits | (string & {});

function limitsOf(operationId: Operation, path: string) {
  const found = limits[operationId]?.[path];
  // A form naming a field its operation does not have is a console bug, caught at first render.
  if (!found) throw new Error(`The contract has no field ${path} in ${operationId}`);
  return found;
}

/** Validation rules for a field: required (unless `optional`), lengths, ranges and counts. */
export function rulesFor(
  operationId: Operation,
  path: string,
  label: string,
  /**
   * `optional`: the form may leave out what the contract requires; `required`: the form asks for
   * what the contract lets it leave out; `format`: the pattern's meaning in words, for the message.
   */
  options: { optional?: boolean; required?: boolean; format?: string } = {},
): Rule[] {
  const f = limitsOf(operationId, path);
  const rules: Rule[] = [];
  if ((f.required && !options.optional) || options.required) {
    // A blank text is no answer; other values (dates, numbers, choices) are answers when present.
    const message = `${f.type === 'array' || f.enum ? '请选择' : '请填写'}${label}`;
    const blank = (v: unknown) =>
      v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
    rules.push({
      required: true,
      message,
      validator: (_, v: unknown) => (blank(v) ? Promise.reject(new Error(message)) : Promise.resolve()),
    });
  }
  if (f.type === 'string') {
    if (f.maxLength !== undefined) rules.push({ max: f.maxLength, message: `${label}不超过 ${f.maxLength} 字` });
    if (f.minLength !== undefined && f.minLength > 1) rules.push({ min: f.minLength, message: `${label}至少 ${f.minLength} 字` });
    if (f.pattern !== undefined)
      rules.push({ pattern: new RegExp(f.pattern), message: options.format ? `${label}为${options.format}` : `${label}格式不正确` });
  }
  if (f.type === 'integer' || f.type === 'number') {
    if (f.minimum !== undefined) rules.push({ type: 'number', min: f.minimum, message: `${label}不小于 ${f.minimum}` });
    if (f.maximum !== undefined) rules.push({ type: 'number', max: f.maximum, message: `${label}不大于 ${f.maximum}` });
  }
  if (f.type === 'array') {
    if (f.minItems !== undefined && f.minItems > 0)
      rules.push({ type: 'array', min: f.minItems, message: `请至少选择 ${f.minItems} 项${label}` });
    if (f.maxItems !== undefined) rules.push({ type: 'array', max: f.maxItems, message: `${label}最多 ${f.maxItems} 项` });
  }
  return rules;
}

/** Input props that stop typing at the contract's limit (`maxLength`, `min`, `max`). */
export function inputLimits(operationId: Operation, path: string): { maxLength?: number; min?: number; max?: number } {
  const f = limitsOf(operationId, path);
  return {
    ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
    ...(f.minimum !== undefined ? { min: f.minimum } : {}),
    ...(f.maximum !== undefined ? { max: f.maximum } : {}),
  };
}
