import { entrySize, PUT_EVENTS_LIMITS } from '../../../lib/monitor/delivery/batches';
import { planBatches } from '../../../lib/platform/batch-plan';

const KB = 1024;

/** An entry whose size, as EventBridge counts it, is exactly `bytes`. */
const sized = (id: number, bytes: number) => ({ id, bytes });
const sizeOf = (entry: { bytes: number }) => entry.bytes;
const ids = (batches: { id: number }[][]) => batches.map((batch) => batch.map((entry) => entry.id));

describe('Function: entrySize', () => {
  it('counts Time as 14 bytes and Source, DetailType, Detail and Resources in UTF-8 bytes', () => {
    // Act
    const size = entrySize({
      source: 'nfvi.collector',
      detailType: 'link.state',
      detail: '{"message":"défaut"}',
      time: '2026-11-25T10:00:00.123Z',
      resources: ['arn:1', 'arn:22'],
    });

    // Assess: 14 + 10 + 21 (é is two bytes) + 14 + 5 + 6
    expect(size).toBe(14 + 10 + 21 + 14 + 5 + 6);
  });

  it('counts nothing for a Time, Detail or Resources that is absent', () => {
    expect(entrySize({ source: 'nfvi.collector', detailType: 'link.state' })).toBe(14 + 10);
  });
});

describe('Function: planBatches', () => {
  it('puts at most 10 entries in a call, keeping their order', () => {
    // Prepare
    const entries = Array.from({ length: 25 }, (_, i) => sized(i, 100));

    // Act
    const { batches, oversized } = planBatches(entries, sizeOf, PUT_EVENTS_LIMITS);

    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(ids(batches).flat()).toEqual(entries.map((entry) => entry.id));
    expect(oversized).toEqual([]);
  });

  it('keeps each call under 256 KB', () => {
    // Prepare
    const entries = Array.from({ length: 7 }, (_, i) => sized(i, 100 * KB));

    // Act
    const { batches } = planBatches(entries, sizeOf, PUT_EVENTS_LIMITS);

    // Assess
    expect(ids(batches)).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
  });

  it('starts a new call rather than reach exactly 256 KB, since PutEvents takes less than that', () => {
    // Act
    const { batches } = planBatches([sized(0, 128 * KB), sized(1, 128 * KB), sized(2, 1)], sizeOf, PUT_EVENTS_LIMITS);

    // Assess
    expect(ids(batches)).toEqual([[0], [1, 2]]);
  });

  it('sets aside an entry that no call could carry, without holding up the ones after it', () => {
    // Prepare
    const entries = [sized(0, 10), sized(1, PUT_EVENTS_LIMITS.maxBytes), sized(2, 10), sized(3, 300 * KB)];

    // Act
    const { batches, oversized } = planBatches(entries, sizeOf, PUT_EVENTS_LIMITS);

    // Assess
    expect(ids(batches)).toEqual([[0, 2]]);
    expect(oversized.map((entry) => entry.id)).toEqual([1, 3]);
  });

  it('plans nothing for no entries', () => {
    expect(planBatches([], sizeOf, PUT_EVENTS_LIMITS)).toEqual({ batches: [], oversized: [] });
  });
});
