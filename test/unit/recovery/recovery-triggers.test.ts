import { recoveryTrigger } from '../../../lib/recovery/recovery-triggers';
import { faultClearedEvent, faultConfirmedEvent } from '../controller/vim-builders';

const fromCorrelator = (event: { 'detail-type': string; detail: unknown }) => ({ source: 'nfvi.correlator', ...event });

describe('What wakes the recovery workflow', () => {
  it("reads a host's death, its return, its fencing and a tenant's answer", () => {
    const fenced = {
      source: 'nfvi.fencing',
      'detail-type': 'HostFenced',
      detail: {
        host: 'compute-1',
        hostAlarmId: 'alarm-1',
        method: 'ipmi',
        powerState: 'off',
        fencedAt: '2026-11-25T10:00:01.000Z',
        confirmedAt: '2026-11-25T10:00:00.000Z',
      },
    };
    const answered = {
      source: 'nfvi.recovery',
      'detail-type': 'RecoveryAnswered',
      detail: { tenantId: 'tenant-a', recoveryId: 'r-1' },
    };

    expect(recoveryTrigger(fromCorrelator(faultConfirmedEvent({ faultKey: 'peers' })))).toMatchObject({
      kind: 'host-death',
      fault: { host: 'compute-1', faultKey: 'peers' },
    });
    expect(recoveryTrigger(fromCorrelator(faultClearedEvent({ faultKey: 'peers' })))).toMatchObject({
      kind: 'host-back',
    });
    expect(recoveryTrigger(fenced)).toEqual({ kind: 'host-fenced', host: 'compute-1' });
    expect(recoveryTrigger(answered)).toEqual({ kind: 'answered', key: { tenantId: 'tenant-a', recoveryId: 'r-1' } });
  });

  it('names what is wrong with a malformed event, for the quarantine', () => {
    const trigger = recoveryTrigger({
      source: 'nfvi.recovery',
      'detail-type': 'RecoveryAnswered',
      detail: { tenantId: 'tenant-a' },
    });
    expect(trigger).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('recoveryId') });
  });

  it('refuses an event of another source or detail-type', () => {
    expect(recoveryTrigger({ source: 'nfvi.collector', 'detail-type': 'FaultConfirmed', detail: {} })).toMatchObject({
      kind: 'invalid',
    });
    expect(recoveryTrigger({ source: 'nfvi.fencing', 'detail-type': 'HostFencingFailed', detail: {} })).toMatchObject({
      kind: 'invalid',
    });
  });
});
