import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeqAllocator } from '../../../lib/monitor/delivery/seq';

const CLOCK_MS = Date.parse('2026-11-25T10:00:00.000Z');

function recordingLogger() {
  const lines: { level: string; message: string; extra?: object }[] = [];
  const at = (level: string) => (message: string, extra?: object) => lines.push({ level, message, extra });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('Class: SeqAllocator', () => {
  let dir: string;
  let file: string;
  const open = (floor = 0, logger = recordingLogger()) =>
    SeqAllocator.open({ file, floor, logger, block: 100, clock: () => CLOCK_MS });
  const allocate = (seqs: SeqAllocator, n: number) => Array.from({ length: n }, () => seqs.allocate());

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nfvi-seq-'));
    file = join(dir, 'seq-state.json');
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('issues consecutive seqs within a run', () => {
    // Act
    const seqs = allocate(open(), 250);

    // Assess
    expect(seqs.slice(1).every((seq, i) => seq === (seqs[i] as number) + 1)).toBe(true);
  });

  it('writes its state once per block of seqs, not once per seq', () => {
    // Prepare
    writeFileSync(file, JSON.stringify({ reserved: 1000 }));
    const seqs = open();

    // Act
    allocate(seqs, 5);
    const afterFive = readFileSync(file, 'utf8');
    allocate(seqs, 95);
    const afterBlock = readFileSync(file, 'utf8');
    seqs.allocate();

    // Assess
    expect(JSON.parse(afterFive)).toEqual({ reserved: 1100 });
    expect(afterBlock).toBe(afterFive);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ reserved: 1200 });
  });

  it('starts a new run above every seq the previous run may have issued, even without a clean stop', () => {
    // Prepare
    writeFileSync(file, JSON.stringify({ reserved: 1000 }));
    const before = allocate(open(), 130);

    // Act
    const after = open().allocate();

    // Assess
    expect(after).toBeGreaterThan(Math.max(...before));
  });

  it('starts above the floor when the spool holds seqs beyond the state', () => {
    // Prepare
    writeFileSync(file, JSON.stringify({ reserved: 1000 }));

    // Act
    const seq = open(5000).allocate();

    // Assess
    expect(seq).toBe(5000);
  });

  it('without a state file, starts at the clock in microseconds, above any earlier run of the same collector', () => {
    // Act
    const seq = open().allocate();

    // Assess
    expect(seq).toBe(CLOCK_MS * 1000);
  });

  it('with an unreadable state file, starts at the clock and logs an error naming the file', () => {
    // Prepare
    writeFileSync(file, '{"reser');
    const logger = recordingLogger();

    // Act
    const seq = open(0, logger).allocate();

    // Assess
    expect(seq).toBe(CLOCK_MS * 1000);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', extra: expect.objectContaining({ file }) }),
    );
  });
});
