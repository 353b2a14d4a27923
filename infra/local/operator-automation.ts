import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { HOST_MAINTENANCE_COMPLETED, OPERATOR_SOURCE } from '../../lib/contracts/bus-events';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';

/** What operator automation puts on the bus once it has maintained a host (the demo's and tests' stand-in). */
export async function reportHostMaintained(sessionId: string, host: string): Promise<void> {
  const { FailedEntryCount } = await awsClients().eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: config().eventBusName,
          Source: OPERATOR_SOURCE,
          DetailType: HOST_MAINTENANCE_COMPLETED,
          Detail: JSON.stringify({ session_id: sessionId, host }),
        },
      ],
    }),
  );
  if (FailedEntryCount) throw new Error(`PutEvents refused ${HOST_MAINTENANCE_COMPLETED} for ${host}`);
}
