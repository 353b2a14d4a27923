import { ConfirmFencing } from '../../../lib/fencing/confirm-fencing';
import type { FaultRecord } from '../../../lib/inspector/fault-record';
import { httpView } from '../../support/http-outcome';
import { ADMIN_PROJECT } from '../inspector/builders';
import {
  DEATH_ALARM,
  FakeClock,
  HOST,
  InMemoryFenceStore,
  RecordingFencingEvents,
  callerOf,
  fenceRecordOf,
  secondsAfterEpoch,
} from '../recovery/recovery-builders';

const ADMIN = callerOf(ADMIN_PROJECT, true);
const CONFIRMED = { state: 'FENCED' };

/** compute-1 dead (its host-down alarm active since 1 s after the epoch) unless `alive`; the clock reads 10 s. */
function confirmation(options: { alive?: boolean } = {}) {
  const records = new InMemoryFenceStore();
  const events = new RecordingFencingEvents();
  const death = {
    host: HOST,
    status: options.alive ? 'CLEARED' : 'ACTIVE',
    hostAlarm: { id: DEATH_ALARM, alarmRaisedTime: secondsAfterEpoch(1) },
  } as FaultRecord;
  const clock = new FakeClock(10);
  const use = httpView(
    new ConfirmFencing({
      records,
      faults: { get: async (host) => (host === HOST ? death : undefined) },
      events,
      clock: clock.clock,
    }),
  );
  return { use, records, events };
}

describe("Use case: an administrator confirms a dead host's manual fencing", () => {
  it('records the host FENCED by hand and tells the rest of nfvi-doctor, as the fencer would', async () => {
    // Prepare: the fencer could not reach the BMC
    const c = confirmation();
    await c.records.save(fenceRecordOf({ state: 'FAILED', attempts: 3, error: 'no answer' }), undefined);

    // Act
    const outcome = await c.use.confirm(ADMIN, HOST, CONFIRMED);

    // Assess
    expect(outcome).toMatchObject({ status: 200, body: { state: 'FENCED', method: 'manual', attempts: 3 } });
    expect(c.records.record()).toMatchObject({ state: 'FENCED', method: 'manual', fencedAt: secondsAfterEpoch(10) });
    expect(c.events.emitted).toEqual([
      {
        detailType: 'HostFenced',
        detail: {
          host: HOST,
          hostAlarmId: DEATH_ALARM,
          method: 'manual',
          powerState: 'off',
          fencedAt: secondsAfterEpoch(10),
          confirmedAt: secondsAfterEpoch(1),
        },
      },
    ]);
  });

  it('answers the same confirmation again with the record, and tells nothing twice', async () => {
    const c = confirmation();
    await c.use.confirm(ADMIN, HOST, CONFIRMED);

    const again = await c.use.confirm(ADMIN, HOST, CONFIRMED);

    expect(again).toMatchObject({ status: 200, body: { state: 'FENCED', method: 'manual' } });
    expect(c.events.emitted).toHaveLength(1);
  });

  it('refuses a tenant (403), a malformed body (400) and a host its peers did not confirm dead (409)', async () => {
    const c = confirmation({ alive: true });

    expect(await c.use.confirm(callerOf('tenant-a'), HOST, CONFIRMED)).toMatchObject({ status: 403 });
    expect(await c.use.confirm(ADMIN, HOST, { state: 'OFF' })).toMatchObject({
      status: 400,
      message: expect.stringContaining('state'),
    });
    expect(await c.use.confirm(ADMIN, HOST, CONFIRMED)).toMatchObject({
      status: 409,
      message: expect.stringContaining('not confirmed dead'),
    });
    expect(await c.use.confirm(ADMIN, 'unknown-host', CONFIRMED)).toMatchObject({ status: 409 });
    expect(c.events.emitted).toEqual([]);
    expect(c.records.saved).toEqual([]);
  });
});
