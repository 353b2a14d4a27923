/**
 * EventBridge's event patterns, as AWS documents them: a pattern's fields must all match; an
 * array lists what a field may be (any of), literally or by content filter (prefix, suffix,
 * anything-but, numeric, exists, equals-ignore-case, wildcard); an object descends into the
 * event; where the event holds an array, any of its elements may match.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, expected]) => matchesField(expected, event[field], field in event));
}

function matchesField(expected: unknown, actual: unknown, present: boolean): boolean {
  if (Array.isArray(expected)) {
    const values = Array.isArray(actual) ? actual : [actual];
    return expected.some((candidate) =>
      isFilter(candidate)
        ? matchesFilter(candidate, values, present)
        : present && values.some((value) => value === candidate),
    );
  }
  if (expected !== null && typeof expected === 'object') {
    return (
      present &&
      actual !== null &&
      typeof actual === 'object' &&
      !Array.isArray(actual) &&
      matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>)
    );
  }
  throw new Error(`event pattern: ${JSON.stringify(expected)} is neither an array nor an object`);
}

const isFilter = (candidate: unknown): candidate is Record<string, unknown> =>
  candidate !== null && typeof candidate === 'object' && !Array.isArray(candidate);

function matchesFilter(filter: Record<string, unknown>, values: unknown[], present: boolean): boolean {
  const [[operator, operand]] = Object.entries(filter) as [[string, unknown]];
  if (operator === 'exists') return operand === present;
  if (!present) return false;
  return values.some((value) => matchesOperator(operator, operand, value));
}

function matchesOperator(operator: string, operand: unknown, value: unknown): boolean {
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && startsWith(value, operand);
    case 'suffix':
      return typeof value === 'string' && endsWith(value, operand);
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcard(String(operand)).test(value);
    case 'anything-but':
      return !anythingButExcludes(operand, value);
    case 'numeric':
      return typeof value === 'number' && numeric(operand as (string | number)[], value);
    default:
      throw new Error(`event pattern: the ${operator} filter does not run locally`);
  }
}

function startsWith(value: string, operand: unknown): boolean {
  if (typeof operand === 'string') return value.startsWith(operand);
  const ignoring = (operand as { 'equals-ignore-case'?: string })['equals-ignore-case'];
  return ignoring !== undefined && value.toLowerCase().startsWith(ignoring.toLowerCase());
}

function endsWith(value: string, operand: unknown): boolean {
  if (typeof operand === 'string') return value.endsWith(operand);
  const ignoring = (operand as { 'equals-ignore-case'?: string })['equals-ignore-case'];
  return ignoring !== undefined && value.toLowerCase().endsWith(ignoring.toLowerCase());
}

function anythingButExcludes(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return operand.includes(value);
  if (isFilter(operand)) {
    const [[operator, inner]] = Object.entries(operand) as [[string, unknown]];
    const innerValues = Array.isArray(inner) ? inner : [inner];
    return innerValues.some((one) => matchesOperator(operator, one, value));
  }
  return operand === value;
}

const wildcard = (expression: string) =>
  new RegExp(
    `^${expression
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

function numeric(conditions: (string | number)[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const operator = conditions[i] as string;
    const bound = conditions[i + 1] as number;
    const ok =
      operator === '<'
        ? value < bound
        : operator === '<='
          ? value <= bound
          : operator === '>'
            ? value > bound
            : operator === '>='
              ? value >= bound
              : operator === '='
                ? value === bound
                : false;
    if (!ok) return false;
  }
  return true;
}
