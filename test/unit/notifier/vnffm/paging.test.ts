import { pageOf, type Paged } from '../../../../lib/notifier/vnffm/paging';

interface Item {
  id: string;
}

const items = (...ids: string[]): Item[] => ids.map((id) => ({ id }));
const byId = (item: Item) => [item.id];

/** The ids of a page and its next marker; fails the test if the page was refused. */
function pageIds(paged: Paged<Item>): { ids: string[]; next: string | undefined } {
  if (!paged.ok) throw new Error(`expected a page, got: ${paged.problem}`);
  return { ids: paged.items.map((i) => i.id), next: paged.next };
}

describe('Function: pageOf (SOL 013 paging with an opaque marker)', () => {
  it('gives the first page in key order, with a marker for the next one', () => {
    // Act
    const first = pageIds(pageOf(items('c', 'a', 'e', 'b', 'd'), byId, undefined, 2));

    // Assess
    expect(first.ids).toEqual(['a', 'b']);
    expect(first.next).toEqual(expect.any(String));
  });

  it('walks every item once, page by page, and gives no marker after the last page', () => {
    // Prepare
    const all = items('c', 'a', 'e', 'b', 'd');

    // Act
    const first = pageIds(pageOf(all, byId, undefined, 2));
    const second = pageIds(pageOf(all, byId, first.next, 2));
    const third = pageIds(pageOf(all, byId, second.next, 2));

    // Assess
    expect([first.ids, second.ids, third.ids]).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(second.next).toEqual(expect.any(String));
    expect(third.next).toBeUndefined();
  });

  it('gives no marker when the items fill the page exactly', () => {
    // Act
    const page = pageIds(pageOf(items('a', 'b'), byId, undefined, 2));

    // Assess
    expect(page).toEqual({ ids: ['a', 'b'], next: undefined });
  });

  it('gives an empty page, without a marker, for no items', () => {
    // Act
    const page = pageOf<Item>([], byId, undefined, 2);

    // Assess
    expect(page).toEqual({ ok: true, items: [] });
  });

  it('orders by every part of the key, the first deciding', () => {
    // Prepare
    const rows = [
      { id: 'x', group: '2' },
      { id: 'y', group: '1' },
      { id: 'w', group: '1' },
    ];

    // Act
    const page = pageOf(rows, (r) => [r.group, r.id], undefined, 3);

    // Assess
    expect(page.ok && page.items.map((r) => r.id)).toEqual(['w', 'y', 'x']);
  });

  it('continues after the last item shown even when that item was removed meanwhile', () => {
    // Prepare
    const first = pageIds(pageOf(items('a', 'b', 'c', 'd', 'e'), byId, undefined, 2));

    // Act: b, the last item of the first page, is gone when the second page is read.
    const second = pageIds(pageOf(items('a', 'c', 'd', 'e'), byId, first.next, 2));

    // Assess
    expect(second.ids).toEqual(['c', 'd']);
  });

  it('neither repeats nor hides items when some were added before and after the marker meanwhile', () => {
    // Prepare
    const first = pageIds(pageOf(items('b', 'd', 'f', 'h'), byId, undefined, 2));

    // Act: a (before the marker) and e (after it) were added; d was removed.
    const second = pageIds(pageOf(items('a', 'b', 'e', 'f', 'h'), byId, first.next, 2));
    const third = pageIds(pageOf(items('a', 'b', 'e', 'f', 'h'), byId, second.next, 2));

    // Assess
    expect(first.ids).toEqual(['b', 'd']);
    expect(second.ids).toEqual(['e', 'f']);
    expect(third).toEqual({ ids: ['h'], next: undefined });
  });

  it('gives an empty last page when every item after the marker was removed', () => {
    // Prepare
    const first = pageIds(pageOf(items('a', 'b', 'c'), byId, undefined, 2));

    // Act
    const second = pageIds(pageOf(items('a', 'b'), byId, first.next, 2));

    // Assess
    expect(second).toEqual({ ids: [], next: undefined });
  });

  it.each([
    ['text that is no marker', 'not-a-marker'],
    ['a marker of something other than a key', Buffer.from('{"id":"b"}').toString('base64url')],
    ['a marker of a key that is not text', Buffer.from('[1,2]').toString('base64url')],
  ])('refuses %s, naming it', (_, marker) => {
    // Act
    const page = pageOf(items('a', 'b', 'c'), byId, marker, 2);

    // Assess
    expect(page).toEqual({ ok: false, problem: `nextpage_opaque_marker "${marker}" is not one this API gave` });
  });
});
