import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourcesFor } from '../../lib/collector/collector';
import { loadCollectorConfig } from '../../lib/collector/config';

const EXAMPLE = join(__dirname, '..', '..', 'infra', 'collector', 'config.example.json');
const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Collector configuration', () => {
  it('accepts the example shipped for operators, and turns on every source it has a section for', () => {
    const config = loadCollectorConfig(EXAMPLE);
    expect(config).toMatchObject({ host: 'compute-17', spool: { fsync: true }, bus: { retry: { maxMs: 30_000 } } });
    expect(sourcesFor(config, silentLogger).map((s) => s.name)).toEqual([
      'link',
      'peers',
      'heartbeat',
      'hypervisor',
      'ipmi',
      'redfish',
      'smart',
    ]);
  });

  it('refuses a bad file naming every problem and the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfvi-config-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify({ host: '', bus: {}, spool: { dir: '/x' }, peers: { targets: [] } }));
      expect(() => loadCollectorConfig(file)).toThrow(
        expect.objectContaining({
          message: expect.stringMatching(/bad\.json[\s\S]*host[\s\S]*bus\.name[\s\S]*peers\.targets/),
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not JSON, saying so', () => {
    expect(() => loadCollectorConfig(join(__dirname, 'collector-config.test.ts'))).toThrow(
      /cannot read collector configuration/,
    );
  });
});
