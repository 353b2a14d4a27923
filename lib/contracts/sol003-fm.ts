import { z } from 'zod';
import { eventType, faultyResourceType, perceivedSeverity } from './etsi-alarm';

/**
 * ETSI NFV-SOL 003 (v3.3.1) VNF fault management interface, `/vnffm/v1`, API version 1.3.0:
 * the data types of its resources and notifications, with SOL 013's common types
 * (ProblemDetails, Link, SubscriptionAuthentication, ApiVersionInformation).
 */
export const SOL003_FM_API_VERSION = '1.3.0';
export const SOL003_FM_URI_PREFIX = '/vnffm/v1';

export const link = z.object({ href: z.string() });

/** SOL 013 ProblemDetails, the body of every error (application/problem+json). */
export const problemDetails = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
});

/** SOL 013 ApiVersionInformation, GET /vnffm/v1/api_versions. */
export const apiVersionInformation = z.object({
  uriPrefix: z.string(),
  apiVersions: z.array(
    z.object({ version: z.string(), isDeprecated: z.boolean().optional(), retirementDate: z.string().optional() }),
  ),
});

/** SOL 003 ResourceHandle: which resource, in which VIM, of which VIM-level type. */
export const resourceHandle = z.object({
  vimConnectionId: z.string().optional(),
  resourceProviderId: z.string().optional(),
  resourceId: z.string(),
  vimLevelResourceType: z.string().optional(),
});

/** SOL 003 Alarm (7.5.2.4). */
export const sol003Alarm = z.object({
  id: z.string(),
  managedObjectId: z.string(),
  vnfcInstanceIds: z.array(z.string()).optional(),
  rootCauseFaultyResource: z.object({ faultyResource: resourceHandle, faultyResourceType }).optional(),
  alarmRaisedTime: z.string(),
  alarmChangedTime: z.string().optional(),
  alarmClearedTime: z.string().optional(),
  alarmAcknowledgedTime: z.string().optional(),
  ackState: z.enum(['UNACKNOWLEDGED', 'ACKNOWLEDGED']),
  perceivedSeverity,
  eventTime: z.string(),
  eventType,
  faultType: z.string().optional(),
  probableCause: z.string(),
  isRootCause: z.boolean(),
  correlatedAlarmIds: z.array(z.string()).optional(),
  faultDetails: z.array(z.string()).optional(),
  _links: z.object({ self: link, objectInstance: link.optional() }),
});

/** SOL 003 AlarmModifications, the body of PATCH /alarms/{alarmId} (application/merge-patch+json). */
export const alarmModifications = z.object({ ackState: z.enum(['ACKNOWLEDGED', 'UNACKNOWLEDGED']) }).strict();

export const FM_NOTIFICATION_TYPES = [
  'AlarmNotification',
  'AlarmClearedNotification',
  'AlarmListRebuiltNotification',
] as const;

/** SOL 003 FmNotificationsFilter (7.5.3.2), without a VNF instance filter: the alarms are the VIM's. */
export const fmNotificationsFilter = z
  .object({
    notificationTypes: z.array(z.enum(FM_NOTIFICATION_TYPES)).min(1).optional(),
    faultyResourceTypes: z.array(faultyResourceType).min(1).optional(),
    perceivedSeverities: z.array(perceivedSeverity).min(1).optional(),
    eventTypes: z.array(eventType).min(1).optional(),
    probableCauses: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/** SOL 013 SubscriptionAuthentication (8.3.4): how nfvi-doctor authenticates to the callback. */
export const subscriptionAuthentication = z
  .object({
    authType: z.array(z.enum(['BASIC', 'OAUTH2_CLIENT_CREDENTIALS', 'TLS_CERT'])).min(1),
    paramsBasic: z
      .object({ userName: z.string().min(1), password: z.string().min(1) })
      .strict()
      .optional(),
    paramsOauth2ClientCredentials: z
      .object({ clientId: z.string().min(1), clientPassword: z.string().min(1), tokenEndpoint: z.url() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((auth, ctx) => {
    if (auth.authType.includes('TLS_CERT')) {
      ctx.addIssue({
        code: 'custom',
        path: ['authType'],
        message: 'TLS_CERT is not supported: use BASIC or OAUTH2_CLIENT_CREDENTIALS',
      });
    }
    if (auth.authType.includes('BASIC') && !auth.paramsBasic) {
      ctx.addIssue({ code: 'custom', path: ['paramsBasic'], message: 'BASIC needs paramsBasic {userName, password}' });
    }
    if (auth.authType.includes('OAUTH2_CLIENT_CREDENTIALS') && !auth.paramsOauth2ClientCredentials) {
      ctx.addIssue({
        code: 'custom',
        path: ['paramsOauth2ClientCredentials'],
        message:
          'OAUTH2_CLIENT_CREDENTIALS needs paramsOauth2ClientCredentials {clientId, clientPassword, tokenEndpoint}',
      });
    }
  });

const httpUri = z
  .string()
  .max(2048)
  .refine((uri) => /^https?:\/\//.test(uri) && URL.canParse(uri), 'an http:// or https:// URL');

/** SOL 003 FmSubscriptionRequest (7.5.2.2). */
export const fmSubscriptionRequest = z
  .object({
    filter: fmNotificationsFilter.optional(),
    callbackUri: httpUri,
    authentication: subscriptionAuthentication.optional(),
  })
  .strict();

/** SOL 003 FmSubscription (7.5.2.3): never shows the authentication. */
export const fmSubscription = z.object({
  id: z.string(),
  filter: fmNotificationsFilter.optional(),
  callbackUri: z.string(),
  _links: z.object({ self: link }),
});

export const sol003AlarmNotification = z.object({
  id: z.string(),
  notificationType: z.literal('AlarmNotification'),
  subscriptionId: z.string(),
  timeStamp: z.string(),
  alarm: sol003Alarm,
  _links: z.object({ subscription: link }),
});

export const sol003AlarmClearedNotification = z.object({
  id: z.string(),
  notificationType: z.literal('AlarmClearedNotification'),
  subscriptionId: z.string(),
  timeStamp: z.string(),
  alarmId: z.string(),
  alarmClearedTime: z.string(),
  _links: z.object({ subscription: link, alarm: link }),
});

export const alarmListRebuiltNotification = z.object({
  id: z.string(),
  notificationType: z.literal('AlarmListRebuiltNotification'),
  subscriptionId: z.string(),
  timeStamp: z.string(),
  _links: z.object({ subscription: link, alarms: link }),
});

export const sol003FmNotification = z.discriminatedUnion('notificationType', [
  sol003AlarmNotification,
  sol003AlarmClearedNotification,
  alarmListRebuiltNotification,
]);

export type ProblemDetails = z.infer<typeof problemDetails>;
export type Sol003Alarm = z.infer<typeof sol003Alarm>;
export type FmNotificationsFilter = z.infer<typeof fmNotificationsFilter>;
export type SubscriptionAuthentication = z.infer<typeof subscriptionAuthentication>;
export type FmSubscriptionRequest = z.infer<typeof fmSubscriptionRequest>;
export type FmSubscription = z.infer<typeof fmSubscription>;
export type Sol003FmNotification = z.infer<typeof sol003FmNotification>;
