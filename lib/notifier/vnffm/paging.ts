import { z } from 'zod';
import type { Outcome } from '../../platform/outcome';
import { parseFilter, passesFilter } from './sol013-filter';

/**
 * SOL 013 paging (5.4.2.3): a page of a list sorted by `order`, and the opaque marker of the
 * next one: the sort key of the page's last item, so that items added or removed meanwhile
 * neither repeat nor hide the rest.
 */
export type Paged<T> = { ok: true; items: T[]; next?: string } | { ok: false; problem: string };

export function pageOf<T>(
  items: readonly T[],
  keyOf: (item: T) => string[],
  marker: string | undefined,
  size: number,
): Paged<T> {
  const sorted = [...items].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  let after: string[] | undefined;
  if (marker !== undefined) {
    after = keyOfMarker(marker);
    if (!after) return { ok: false, problem: `nextpage_opaque_marker "${marker}" is not one this API gave` };
  }
  const rest = after ? sorted.filter((item) => compareKeys(keyOf(item), after) > 0) : sorted;
  const page = rest.slice(0, size);
  const last = page.at(-1);
  return { ok: true, items: page, ...(rest.length > size && last ? { next: markerOf(keyOf(last)) } : {}) };
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? '').localeCompare(b[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

const markerOf = (key: string[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

function keyOfMarker(marker: string): string[] | undefined {
  try {
    const key: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    return Array.isArray(key) && key.every((k) => typeof k === 'string') ? key : undefined;
  } catch {
    return undefined;
  }
}

/** A SOL 003 list route's query: SOL 013's filter and paging marker, and nothing else. */
export const listParams = z
  .object({ filter: z.string().min(1).optional(), nextpage_opaque_marker: z.string().min(1).optional() })
  .strict();

/**
 * A SOL 003 list route's answer: the items (as shown) that pass the query's filter, one page of
 * them in `keyOf` order, and a `Link: <...>; rel="next"` header (carrying the filter) while more remain.
 */
export function filteredPage<T>(
  params: Record<string, string | undefined>,
  items: readonly T[],
  list: { attributes: ReadonlySet<string>; keyOf: (item: T) => string[]; url: string; pageSize: number },
): Outcome {
  const parsed = listParams.safeParse(params);
  if (!parsed.success) return { kind: 'invalid', message: z.prettifyError(parsed.error) };
  const { filter, nextpage_opaque_marker: marker } = parsed.data;
  const terms = filter === undefined ? { ok: true as const, terms: [] } : parseFilter(filter, list.attributes);
  if (!terms.ok) return { kind: 'invalid', message: terms.problem };
  const page = pageOf(
    items.filter((item) => passesFilter(item, terms.terms)),
    list.keyOf,
    marker,
    list.pageSize,
  );
  if (!page.ok) return { kind: 'invalid', message: page.problem };
  if (!page.next) return { kind: 'ok', body: page.items };
  const query = new URLSearchParams({ ...(filter ? { filter } : {}), nextpage_opaque_marker: page.next });
  return { kind: 'ok', body: page.items, headers: { Link: `<${list.url}?${query.toString()}>; rel="next"` } };
}
