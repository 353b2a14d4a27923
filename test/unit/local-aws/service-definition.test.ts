import { join } from 'node:path';
import { readServiceDefinition } from '../../../infra/local/aws/service-definition';

const service = readServiceDefinition(join(__dirname, '..', '..', '..', 'serverless.yml'), 'local');
const fn = (key: string) => service.functions.find((f) => f.key === key);

describe('The local AWS services read serverless.yml as it deploys', () => {
  it('names the bus, the topics and the queues as the template does for the stage', () => {
    expect(service.busName).toBe('nfvi-doctor-local');
    expect([...service.topics.values()]).toContain('nfvi-doctor-local-admin');
    expect([...service.queues.values()]).toContain('nfvi-doctor-local-failed-invocations');
  });

  it('gives each function its rules, its retries and its onFailure queue', () => {
    expect(fn('correlator')).toMatchObject({
      name: 'nfvi-doctor-local-correlator',
      maximumRetryAttempts: 2,
      onFailureQueue: 'FailedInvocationsQueue',
      rules: [
        { pattern: { source: ['nfvi.collector'] } },
        { pattern: { source: ['nfvi.fencing'] } },
        { pattern: { source: [{ 'anything-but': expect.arrayContaining(['nfvi.collector', 'nfvi.operator']) }] } },
      ],
    });
    expect(fn('fencer')?.rules[0]?.pattern).toEqual({
      source: ['nfvi.correlator'],
      'detail-type': ['FaultConfirmed'],
      detail: { faultKey: ['peers'] },
    });
  });

  it('runs the scheduled functions at their rate', () => {
    expect(fn('vimRetry')?.schedulesMs).toEqual([60_000]);
    expect(fn('inventorySync')?.schedulesMs).toEqual([300_000]);
    expect(fn('faultApi')?.schedulesMs).toEqual([]);
  });
});
