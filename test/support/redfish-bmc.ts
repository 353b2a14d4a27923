import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import type { RedfishBmcEntry } from '../../lib/adapters/bmc/bmc-credentials';

export type RedfishPowerState = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff';

/** What the BMC got; the password is never kept. */
export interface RedfishRequest {
  method: string;
  path: string;
  username?: string;
  authorized: boolean;
  body?: unknown;
}

export interface RedfishBmcOptions {
  /** ForceOff reports PoweringOff this long before Off, as a real server does while it powers down. */
  poweringOffMs?: number;
  /** ResetType@Redfish.AllowableValues of the Reset action. */
  resetTypes?: string[];
  /** Omit ResetType@Redfish.AllowableValues, as some BMCs do. */
  omitAllowableValues?: boolean;
}

/**
 * A Redfish BMC served by the test itself over HTTPS (Debian has Redfish clients, no service to
 * run; see ../shared/notes/bmc-local.md): the DMTF resources fencing uses (ServiceRoot, the Systems
 * collection, one ComputerSystem with its #ComputerSystem.Reset action), Basic auth on all but
 * the service root, a certificate signed by a CA of its own, and the requests it got.
 */
export interface RedfishBmc {
  url: string;
  /** PEM of the CA that signed the BMC's certificate. */
  caCertificate: string;
  username: string;
  password: string;
  systemId: string;
  powerState: RedfishPowerState;
  /** 'server-error': 500 with a Redfish error body; 'reject-auth': 401 even to the right credentials. */
  failure: 'none' | 'server-error' | 'reject-auth';
  requests: RedfishRequest[];
  /** The credentials entry of this BMC, trusting its CA. */
  entry(overrides?: Partial<RedfishBmcEntry>): RedfishBmcEntry;
  stop(): Promise<void>;
}

const SYSTEM_ID = '437XR1138R2';
const SYSTEM = `/redfish/v1/Systems/${SYSTEM_ID}`;
const RESET = `${SYSTEM}/Actions/ComputerSystem.Reset`;

/** A CA and a server certificate it signed, valid for 127.0.0.1 and localhost. */
export async function testCertificates(): Promise<{ ca: string; key: string; cert: string }> {
  const ca = await generate([{ name: 'commonName', value: 'nfvi-doctor test BMC CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { ca: ca.cert, key: server.private, cert: server.cert };
}

function redfishError(code: string, message: string, extended: string) {
  return {
    error: {
      code: `Base.1.15.${code}`,
      message,
      '@Message.ExtendedInfo': [
        {
          '@odata.type': '#Message.v1_1_1.Message',
          MessageId: `Base.1.15.${code}`,
          Message: extended,
          Severity: 'Critical',
          Resolution: 'None.',
        },
      ],
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function basicAuth(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Starts the BMC on a free port of 127.0.0.1, its system powered on. */
export async function startRedfishBmc(options: RedfishBmcOptions = {}): Promise<RedfishBmc> {
  const { key, cert, ca } = await testCertificates();
  const resetTypes = options.resetTypes ?? ['On', 'ForceOff', 'ForceOn'];
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const computerSystem = () => ({
    '@odata.id': SYSTEM,
    '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
    Id: SYSTEM_ID,
    Name: 'Compute host',
    SystemType: 'Physical',
    PowerState: bmc.powerState,
    Status: { State: 'Enabled', Health: 'OK' },
    Actions: {
      '#ComputerSystem.Reset': {
        target: RESET,
        ...(options.omitAllowableValues ? {} : { 'ResetType@Redfish.AllowableValues': resetTypes }),
      },
    },
  });

  const reset = (res: ServerResponse, body: unknown) => {
    const resetType = (body as { ResetType?: unknown } | undefined)?.ResetType;
    if (typeof resetType !== 'string' || !resetTypes.includes(resetType))
      return send(
        res,
        400,
        redfishError(
          'ActionParameterValueNotInList',
          'The value for the parameter ResetType is not in the list of acceptable values.',
          `The value '${String(resetType)}' for the parameter ResetType is not in the list of acceptable values.`,
        ),
      );
    if (resetType === 'ForceOff' && bmc.powerState !== 'Off') {
      if (options.poweringOffMs) {
        bmc.powerState = 'PoweringOff';
        const timer = setTimeout(() => {
          timers.delete(timer);
          bmc.powerState = 'Off';
        }, options.poweringOffMs);
        timers.add(timer);
      } else bmc.powerState = 'Off';
    }
    if (resetType === 'On' || resetType === 'ForceOn') bmc.powerState = 'On';
    send(res, 204);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'https://bmc').pathname.replace(/\/$/, '');
    const text = await readBody(req);
    const credentials = basicAuth(req.headers.authorization);
    const authorized =
      bmc.failure !== 'reject-auth' && credentials?.username === bmc.username && credentials.password === bmc.password;
    bmc.requests.push({
      method: req.method ?? '',
      path,
      ...(credentials ? { username: credentials.username } : {}),
      authorized,
      ...(text ? { body: JSON.parse(text) as unknown } : {}),
    });

    // The service root is readable without credentials (DMTF DSP0266).
    if (req.method === 'GET' && path === '/redfish/v1')
      return send(res, 200, {
        '@odata.id': '/redfish/v1',
        '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
        Id: 'RootService',
        Name: 'Root Service',
        RedfishVersion: '1.17.0',
        Systems: { '@odata.id': '/redfish/v1/Systems' },
      });
    if (!authorized)
      return send(
        res,
        401,
        redfishError(
          'NoValidSession',
          'There is no valid session established with the implementation.',
          'Establish a session before attempting any operations.',
        ),
        { 'WWW-Authenticate': 'Basic realm="Redfish"' },
      );
    if (bmc.failure === 'server-error')
      return send(
        res,
        500,
        redfishError(
          'InternalError',
          'The request failed due to an internal service error.',
          'The service is still operational.',
        ),
      );
    if (req.method === 'GET' && path === '/redfish/v1/Systems')
      return send(res, 200, {
        '@odata.id': '/redfish/v1/Systems',
        '@odata.type': '#ComputerSystemCollection.ComputerSystemCollection',
        Name: 'Computer System Collection',
        'Members@odata.count': 1,
        Members: [{ '@odata.id': SYSTEM }],
      });
    if (req.method === 'GET' && path === SYSTEM) return send(res, 200, computerSystem());
    if (req.method === 'POST' && path === RESET) return reset(res, text ? JSON.parse(text) : undefined);
    send(
      res,
      404,
      redfishError('ResourceNotFound', `The requested resource of type ${path} was not found.`, 'Provide a valid URI.'),
    );
  };

  const server: Server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((error: Error) =>
      send(res, 400, redfishError('MalformedJSON', error.message, 'Fix the body.')),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const bmc: RedfishBmc = {
    url,
    caCertificate: ca,
    username: 'root',
    password: 'calvin-test-secret',
    systemId: SYSTEM_ID,
    powerState: 'On',
    failure: 'none',
    requests: [],
    entry: (overrides = {}) => ({
      kind: 'redfish',
      url,
      username: bmc.username,
      password: bmc.password,
      caCertificate: ca,
      insecureTls: false,
      ...overrides,
    }),
    stop: async () => {
      timers.forEach(clearTimeout);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return bmc;
}
