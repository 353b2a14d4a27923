import { z } from 'zod';

/**
 * How nfvi-doctor authenticates to Keystone v3: a password (user scoped to a project) or an
 * application credential (which carries its own scope). Kept in SSM Parameter Store or Secrets
 * Manager as this JSON, never in the template.
 */
export const vimCredentials = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('password'),
    authUrl: z.url(),
    region: z.string().optional(),
    username: z.string().min(1),
    password: z.string().min(1),
    userDomainName: z.string().default('Default'),
    projectName: z.string().min(1),
    projectDomainName: z.string().default('Default'),
  }),
  z.object({
    kind: z.literal('application-credential'),
    authUrl: z.url(),
    region: z.string().optional(),
    id: z.string().min(1),
    secret: z.string().min(1),
  }),
]);

export type VimCredentials = z.infer<typeof vimCredentials>;
