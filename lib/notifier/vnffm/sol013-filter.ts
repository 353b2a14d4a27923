import { z } from 'zod';

/**
 * ETSI NFV-SOL 013 attribute-based filtering (5.2): `filter=(op,attr,value[,value...])[;(...)]`.
 * Every term must hold. An attribute is a path of names joined by "/" (or "."), and a path
 * through an array holds when some element holds. A value with ",", "(", ")" or "'" in it is
 * written in single quotes, a quote inside doubled.
 */
const OPERATORS = ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'cont', 'ncont'] as const;
type Operator = (typeof OPERATORS)[number];
const SINGLE_VALUED = new Set<Operator>(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']);

export interface FilterTerm {
  op: Operator;
  path: string[];
  values: string[];
}

export type ParsedFilter = { ok: true; terms: FilterTerm[] } | { ok: false; problem: string };

/** Parses a filter against the attribute paths the resource has (from its schema). */
export function parseFilter(text: string, attributes: ReadonlySet<string>): ParsedFilter {
  const terms: FilterTerm[] = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] !== '(') return malformed(text, `expected "(" at position ${at}`);
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    at += 1;
    for (;;) {
      if (at >= text.length) return malformed(text, 'a term is not closed with ")"');
      const c = text[at];
      if (quoted) {
        if (c === "'" && text[at + 1] === "'") {
          field += "'";
          at += 2;
          continue;
        }
        if (c === "'") quoted = false;
        else field += c;
        at += 1;
        continue;
      }
      at += 1;
      if (c === "'") quoted = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === ')') {
        fields.push(field);
        break;
      } else field += c;
    }
    const [op = '', attr = '', ...values] = fields;
    if (!(OPERATORS as readonly string[]).includes(op)) {
      return malformed(text, `unknown operator "${op}" (one of ${OPERATORS.join(', ')})`);
    }
    const path = attr.split(/[/.]/);
    if (!attributes.has(path.join('/')))
      return { ok: false, problem: `the filter names an unknown attribute "${attr}"` };
    if (values.length === 0 || values.some((v) => v === '')) {
      return malformed(text, `(${op},${attr}) needs a value`);
    }
    if (SINGLE_VALUED.has(op as Operator) && values.length > 1) {
      return malformed(text, `${op} takes one value, (${op},${attr}) has ${values.length}`);
    }
    terms.push({ op: op as Operator, path, values });
    if (at < text.length) {
      if (text[at] !== ';') return malformed(text, `expected ";" between terms at position ${at}`);
      at += 1;
      if (at === text.length) return malformed(text, 'it ends with ";"');
    }
  }
  if (terms.length === 0) return malformed(text, 'it is empty');
  return { ok: true, terms };
}

/** Whether a resource (as its JSON) passes every term. */
export function passesFilter(resource: unknown, terms: readonly FilterTerm[]): boolean {
  return terms.every((term) => {
    const found = valuesAt(resource, term.path);
    // An absent attribute passes only the negative operators.
    if (found.length === 0) return term.op === 'neq' || term.op === 'nin' || term.op === 'ncont';
    const negative = term.op === 'neq' || term.op === 'nin' || term.op === 'ncont';
    const holds = found.some((value) => holds1(term, value));
    return negative ? found.every((value) => holds1(term, value)) : holds;
  });
}

/** The attribute paths of a resource schema, for parseFilter: every property, nested ones joined by "/". */
export function attributePaths(schema: z.ZodType): Set<string> {
  const paths = new Set<string>();
  const walk = (node: JsonSchemaNode, prefix: string) => {
    if (node.items) walk(node.items, prefix);
    for (const alternative of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) walk(alternative, prefix);
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name;
      paths.add(path);
      walk(child, path);
    }
  };
  walk(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchemaNode, '');
  return paths;
}

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
}

function holds1(term: FilterTerm, value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const first = term.values[0] ?? '';
  switch (term.op) {
    case 'eq':
      return text === first;
    case 'neq':
      return text !== first;
    case 'in':
      return term.values.includes(text);
    case 'nin':
      return !term.values.includes(text);
    case 'cont':
      return term.values.some((v) => text.includes(v));
    case 'ncont':
      return !term.values.some((v) => text.includes(v));
    default:
      return ordered(term.op, value, first);
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** gt/gte/lt/lte: numbers as numbers, date-times as instants (whatever their zone), anything else as text. */
function ordered(op: 'gt' | 'gte' | 'lt' | 'lte', value: unknown, bound: string): boolean {
  const numeric = typeof value === 'number' && bound.trim() !== '' && !Number.isNaN(Number(bound));
  const times = typeof value === 'string' && DATE_TIME.test(value) && DATE_TIME.test(bound);
  const a = numeric ? (value as number) : times ? Date.parse(value as string) : String(value);
  const b = numeric ? Number(bound) : times ? Date.parse(bound) : bound;
  if (op === 'gt') return a > b;
  if (op === 'gte') return a >= b;
  if (op === 'lt') return a < b;
  return a <= b;
}

function valuesAt(node: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((element) => valuesAt(element, path));
  if (path.length === 0) return node === undefined || node === null ? [] : [node];
  if (typeof node !== 'object' || node === null) return [];
  const [name = '', ...rest] = path;
  return valuesAt((node as Record<string, unknown>)[name], rest);
}

const malformed = (text: string, why: string): ParsedFilter => ({
  ok: false,
  problem: `the filter "${text}" is malformed: ${why}`,
});
