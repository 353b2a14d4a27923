import { z } from 'zod';

const username = z.string().min(1);
const password = z.string().min(1);

// Strict objects: a misspelt optional field (insecureTLS, cipher_suite) would otherwise fall back to its default unnoticed.
const ipmiBmcSchema = z.strictObject({
  kind: z.literal('ipmi'),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(623),
  username,
  password,
  // Cipher suite 3 (RAKP-HMAC-SHA1, AES-CBC-128): without -C, lanplus first fails to read the suites and a call takes ~10 s.
  cipherSuite: z.number().int().min(0).max(17).default(3),
  ipmitool: z.string().min(1).default('ipmitool'),
});

const redfishBmcSchema = z.strictObject({
  kind: z.literal('redfish'),
  /** Base URL of the BMC, e.g. https://10.0.0.5; HTTPS only since Basic auth sends the password in every request. */
  url: z
    .url({ protocol: /^https$/, error: 'must be an https:// URL' })
    .refine((url) => !new URL(url).username && !new URL(url).password, 'must not hold credentials'),
  username,
  password,
  /** Id of the ComputerSystem to fence; default: the only member of /redfish/v1/Systems. */
  systemId: z.string().min(1).optional(),
  /** PEM of the CA that signed the BMC's certificate, for BMCs with a private CA. */
  caCertificate: z.string().includes('-----BEGIN CERTIFICATE-----', { error: 'must be a PEM certificate' }).optional(),
  insecureTls: z.boolean().default(false),
});

export const bmcEntrySchema = z.discriminatedUnion('kind', [ipmiBmcSchema, redfishBmcSchema]);

/** The secret: each compute host's BMC, by the host's name in the inventory. */
export const bmcCredentialsSchema = z.strictObject({ hosts: z.record(z.string().min(1), bmcEntrySchema) });

export type IpmiBmcEntry = z.infer<typeof ipmiBmcSchema>;
export type RedfishBmcEntry = z.infer<typeof redfishBmcSchema>;
export type BmcEntry = z.infer<typeof bmcEntrySchema>;
export type BmcCredentials = z.infer<typeof bmcCredentialsSchema>;

/** Invalid BMC credentials: names each bad host and field, never a value. */
export class BmcCredentialsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid BMC credentials: ${problems.join('; ')}`);
    this.name = 'BmcCredentialsError';
  }
}

/** `hosts.compute-1.port` reads as `host compute-1: port`. */
function where(path: PropertyKey[]): string {
  const [top, host, ...field] = path.map(String);
  if (top !== 'hosts' || host === undefined) return path.map(String).join('.') || '(root)';
  return `host ${host}${field.length ? `: ${field.join('.')}` : ''}`;
}

/** Parses the secret (its JSON text, or the value already parsed) into credentials by host. */
export function parseBmcCredentials(secret: unknown): BmcCredentials {
  let value = secret;
  if (typeof secret === 'string') {
    try {
      value = JSON.parse(secret);
    } catch (error) {
      // JSON.parse quotes the text around the fault, which may be a password: keep only the position.
      const position = /position (\d+)/.exec((error as Error).message)?.[1];
      throw new BmcCredentialsError([`not JSON${position === undefined ? '' : ` (at position ${position})`}`]);
    }
  }
  const parsed = bmcCredentialsSchema.safeParse(value);
  if (!parsed.success)
    throw new BmcCredentialsError(parsed.error.issues.map((issue) => `${where(issue.path)}: ${issue.message}`));
  return parsed.data;
}
