import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { alertmanagerWebhook } from '../../../inspector/ingest/alertmanager';
import { doctorEvent, MAX_EVENTS } from '../../../inspector/ingest/doctor-events';
import { ingestAnswer } from '../../../inspector/ingest/ingest-fault-reports';
import { apiError, houseErrors } from '../errors';
import { APPLICATION_CREDENTIAL } from '../security';
import { json } from './media';

const answers = {
  200: {
    description: 'Every event accepted; `notes` names the clears that change nothing.',
    content: json(ingestAnswer),
  },
  400: {
    description:
      'Some events refused, each named (the valid ones still go through; the request is quarantined), or a body that is not JSON.',
    content: json(z.union([ingestAnswer, apiError])),
  },
  ...houseErrors('Forbidden', 'PayloadTooLarge'),
};

const doctorEvents = z.array(doctorEvent).min(1).max(MAX_EVENTS);

/** The compatibility ingest (functions/compat-ingest.ts): each event becomes a southbound fault report. */
export const ingestRoutes: RouteConfig[] = [
  ...(['put', 'post'] as const).map(
    (method): RouteConfig => ({
      method,
      path: '/events',
      operationId: `${method}DoctorEvents`,
      tags: ['Ingest'],
      summary: "Doctor's inspector API: events of Doctor's monitors (administrators)",
      description: `A JSON array of at most ${MAX_EVENTS} events, exactly as Doctor's sample monitor and collectd plugin send them.`,
      request: { body: { required: true, content: json(doctorEvents) } },
      responses: answers,
    }),
  ),
  {
    method: 'post',
    path: '/v1/event',
    operationId: 'postVitrageEvent',
    tags: ['Ingest'],
    summary: "Vitrage's Doctor datasource: one event (administrators)",
    request: { body: { required: true, content: json(doctorEvent) } },
    responses: answers,
  },
  {
    method: 'post',
    path: '/v1/alertmanager',
    operationId: 'postAlertmanagerWebhook',
    tags: ['Ingest'],
    summary: "Prometheus Alertmanager's webhook (version 4), with an application credential of an administrator",
    description:
      'Each alert: the host from its `host`, `hostname` or `nodename` label, else `instance` without its port; the fault from a `fault_type` label, else a known `alertname`. `firing` raises, `resolved` clears.',
    security: APPLICATION_CREDENTIAL,
    request: { body: { required: true, content: json(alertmanagerWebhook) } },
    responses: answers,
  },
];
