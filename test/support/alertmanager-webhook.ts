/** One alert of an Alertmanager webhook; `resolvedAt` only for a resolved one. */
export interface WebhookAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  resolvedAt?: Date;
  fingerprint: string;
}

/** Alertmanager's webhook (version 4) carrying one alert, firing or resolved, as it posts it. */
export function alertmanagerWebhook(alert: WebhookAlert) {
  const status = alert.resolvedAt ? 'resolved' : 'firing';
  return {
    version: '4',
    status,
    receiver: 'nfvi-doctor',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt.toISOString(),
        endsAt: alert.resolvedAt ? alert.resolvedAt.toISOString() : '0001-01-01T00:00:00Z',
        fingerprint: alert.fingerprint,
      },
    ],
  };
}
