import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  HOST_MAINTENANCE_COMPLETED,
  MAINTENANCE_ACTIONS_COMPLETED,
  OPERATOR_SOURCE,
} from '../../lib/contracts/bus-events';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';

async function answer(detailType: string, detail: Record<string, string>): Promise<void> {
  const { FailedEntryCount } = await awsClients().eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: config().eventBusName,
          Source: OPERATOR_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  if (FailedEntryCount) throw new Error(`PutEvents refused ${detailType} ${JSON.stringify(detail)}`);
}

/** What operator automation puts on the bus once it has maintained a host (the demo's and tests' stand-in). */
export function reportHostMaintained(sessionId: string, host: string): Promise<void> {
  return answer(HOST_MAINTENANCE_COMPLETED, { session_id: sessionId, host });
}

/** What operator automation puts on the bus once it has run a session's pre or post plug-ins. */
export function reportSessionActionsDone(sessionId: string, phase: 'pre' | 'post'): Promise<void> {
  return answer(MAINTENANCE_ACTIONS_COMPLETED, { session_id: sessionId, phase });
}
