import { workflowTrigger } from '../../../lib/maintenance/workflow/workflow-trigger';

const envelope = (source: string, detailType: string, detail: unknown) => ({
  version: '0',
  id: 'e1',
  source,
  'detail-type': detailType,
  detail,
});

describe('Maintenance workflow triggers (EventBridge events)', () => {
  it('reads a work request as the session to carry on with, and no session event', () => {
    expect(workflowTrigger(envelope('nfvi.maintenance', 'MaintenanceWork', { session_id: 's-1' }))).toEqual({
      kind: 'valid',
      sessionId: 's-1',
    });
  });

  it("reads the operator's answers to the maintenance hook as session events", () => {
    expect(
      workflowTrigger(envelope('nfvi.operator', 'HostMaintenanceCompleted', { session_id: 's-1', host: 'h1' })),
    ).toEqual({ kind: 'valid', sessionId: 's-1', event: { type: 'host-maintenance-done', host: 'h1' } });
    expect(
      workflowTrigger(
        envelope('nfvi.operator', 'HostMaintenanceFailed', {
          session_id: 's-1',
          host: 'h1',
          reason: 'BIOS update failed',
        }),
      ),
    ).toEqual({
      kind: 'valid',
      sessionId: 's-1',
      event: { type: 'host-maintenance-failed', host: 'h1', reason: 'BIOS update failed' },
    });
  });

  it("reads the operator's answers about the session's pre and post plug-ins as session events", () => {
    expect(
      workflowTrigger(envelope('nfvi.operator', 'MaintenanceActionsCompleted', { session_id: 's-1', phase: 'pre' })),
    ).toEqual({
      kind: 'valid',
      sessionId: 's-1',
      event: { type: 'session-actions-done', phase: 'pre' },
    });
    expect(
      workflowTrigger(
        envelope('nfvi.operator', 'MaintenanceActionsFailed', {
          session_id: 's-1',
          phase: 'post',
          reason: 'report upload failed',
        }),
      ),
    ).toEqual({
      kind: 'valid',
      sessionId: 's-1',
      event: { type: 'session-actions-failed', phase: 'post', reason: 'report upload failed' },
    });
    expect(
      workflowTrigger(envelope('nfvi.operator', 'MaintenanceActionsCompleted', { session_id: 's-1', phase: 'host' })),
    ).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('phase'),
    });
  });

  it('refuses an answer without a host, or a failure without a reason, naming the field', () => {
    const noHost = workflowTrigger(envelope('nfvi.operator', 'HostMaintenanceCompleted', { session_id: 's-1' }));
    expect(noHost).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('host') });
    const noReason = workflowTrigger(
      envelope('nfvi.operator', 'HostMaintenanceFailed', { session_id: 's-1', host: 'h1' }),
    );
    expect(noReason).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('reason') });
  });

  it("refuses an answer under another source than the operator's (a collector cannot end maintenance)", () => {
    const forged = workflowTrigger(
      envelope('nfvi.collector', 'HostMaintenanceCompleted', { session_id: 's-1', host: 'h1' }),
    );
    expect(forged.kind).toBe('invalid');
  });

  it('refuses an event of another kind', () => {
    expect(workflowTrigger({ 'detail-type': 'FaultConfirmed', detail: {} }).kind).toBe('invalid');
    expect(workflowTrigger('not an event').kind).toBe('invalid');
  });
});
