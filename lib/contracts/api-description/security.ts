/**
 * How callers authenticate: a Keystone token in `X-Auth-Token` (the REQUEST authorizer,
 * lib/platform/auth/keystone-authorizer.ts), or for webhook senders a Keystone application
 * credential as Basic auth (`keystoneBasicAuthorizer`).
 */
export const SECURITY_SCHEMES = {
  keystoneToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Auth-Token',
    description:
      'A Keystone token (`openstack token issue`), validated against Keystone; the route acts for its project and roles (`admin`: an administrator).',
  },
  keystoneApplicationCredential: {
    type: 'http',
    scheme: 'basic',
    description:
      'A Keystone application credential as Basic auth: `<application credential id>:<secret>`, for webhook senders with static credentials (Alertmanager).',
  },
} as const;

/** Every route but the API description's own. */
export const KEYSTONE_TOKEN = [{ keystoneToken: [] }];
export const APPLICATION_CREDENTIAL = [{ keystoneApplicationCredential: [] }];
export const NO_AUTH: never[] = [];
