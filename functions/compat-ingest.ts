import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { callerOf, requireAdmin } from '../lib/auth/caller';
import { awsClients } from '../lib/aws/clients';
import { EventBridgePublisher } from '../lib/bus/eventbridge-publisher';
import { ingestFaultReports } from '../lib/compat/ingest';
import { config } from '../lib/config';
import { logger } from '../lib/observability';
import { DynamoDbQuarantine } from '../lib/quarantine/dynamodb-quarantine';
import { COLLECTOR_SOURCE } from '../lib/southbound/collector-events';
import { refusalsLogged } from '../lib/http/refusals-logged';

/**
 * Compatibility ingest for existing monitors (administrators' tokens): Doctor's inspector API
 * (PUT/POST /events), Vitrage's Doctor datasource (POST /v1/event) and Prometheus Alertmanager's
 * webhook (POST /v1/alertmanager, an application credential as Basic auth), normalised into
 * southbound fault reports for the same correlator.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .use(refusalsLogged())
  .handler(async (event) => {
    requireAdmin(callerOf(event.requestContext.authorizer));
    const cfg = config();
    const { dynamo, eventBridge } = awsClients();
    const origin =
      event.resource === '/v1/event' ? 'vitrage' : event.resource === '/v1/alertmanager' ? 'alertmanager' : 'doctor';
    const quarantine = new DynamoDbQuarantine(dynamo, cfg.quarantineTable);
    let body: unknown;
    try {
      body = JSON.parse(event.body ?? '');
    } catch {
      const reason = 'the body is not JSON';
      await quarantine.put({
        source: `compat-${origin}`,
        reason,
        payload: event.body,
        receivedAt: new Date().toISOString(),
      });
      return {
        statusCode: 400,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: reason }),
      };
    }
    const bus = new EventBridgePublisher(eventBridge, cfg.eventBusName, COLLECTOR_SOURCE);
    const outcome = await ingestFaultReports(body, origin, {
      publish: (detail) => bus.emit({ detailType: 'fault.report', detail }),
      quarantine,
      clock: () => new Date(),
    });
    if (outcome.status !== 200) logger.warn('compatibility events rejected', { origin, ...outcome.body });
    return {
      statusCode: outcome.status,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(outcome.body),
    };
  });
