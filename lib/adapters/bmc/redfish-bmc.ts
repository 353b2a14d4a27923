import { Agent, request } from 'node:https';
import { z } from 'zod';
import type { Bmc, BmcOptions, PowerState } from '../../fencing/bmc';
import type { RedfishBmcEntry } from './bmc-credentials';
import { BmcError, type BmcFailure } from './bmc-error';

// The parts of the DMTF resources that fencing reads.
const systemCollectionSchema = z.object({ Members: z.array(z.object({ '@odata.id': z.string() })) });

const computerSystemSchema = z.object({
  '@odata.id': z.string(),
  /** On, Off, PoweringOn, PoweringOff, Paused. */
  PowerState: z.string().optional(),
  Actions: z
    .object({
      '#ComputerSystem.Reset': z
        .object({ target: z.string(), 'ResetType@Redfish.AllowableValues': z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
});
type ComputerSystem = z.infer<typeof computerSystemSchema>;

const redfishErrorSchema = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.string().optional(),
    '@Message.ExtendedInfo': z.array(z.object({ Message: z.string().optional() })).optional(),
  }),
});

/** The Redfish error body's code, message and extended messages, or the body's text. */
function redfishMessageOf(body: string): string {
  try {
    const parsed = redfishErrorSchema.safeParse(JSON.parse(body));
    if (parsed.success) {
      const { code, message, '@Message.ExtendedInfo': extended = [] } = parsed.data.error;
      const details = extended.flatMap((info) => (info.Message ? [info.Message] : []));
      const text = [[code, message].filter(Boolean).join(': '), ...details].filter(Boolean).join(' / ');
      if (text) return text;
    }
  } catch {
    // not JSON: the text itself is the message
  }
  return body.trim().slice(0, 500) || '(empty body)';
}

const REFUSALS: Record<number, string> = {
  401: ' (the BMC refused the username or password)',
  403: ' (the BMC user may not do this)',
};

// Certificate failures (unknown CA, expired, wrong name) stay until the configuration changes.
const CERTIFICATE_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)/;

/** A BMC over Redfish (HTTPS, Basic auth): ComputerSystem.Reset ForceOff, then the system's PowerState. */
export class RedfishBmc implements Bmc {
  readonly method = 'redfish';
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly authorization: string;
  private systemPath: string | undefined;

  constructor(
    private readonly entry: RedfishBmcEntry,
    private readonly options: BmcOptions,
  ) {
    this.base = new URL(entry.url);
    // A CA of its own replaces the public ones, as a BMC's private CA should.
    this.agent = new Agent({ ca: entry.caCertificate, rejectUnauthorized: !entry.insecureTls });
    this.authorization = `Basic ${Buffer.from(`${entry.username}:${entry.password}`).toString('base64')}`;
  }

  async powerOff(): Promise<void> {
    const system = await this.system('power off');
    // Nothing to do, and some BMCs answer ForceOff on a host that is off with an error.
    if (system.PowerState === 'Off') return;
    const reset = system.Actions?.['#ComputerSystem.Reset'];
    if (!reset) throw this.error('power off', `${system['@odata.id']} has no #ComputerSystem.Reset action`, false);
    const allowed = reset['ResetType@Redfish.AllowableValues'];
    if (allowed && !allowed.includes('ForceOff'))
      throw this.error('power off', `${reset.target} allows ResetType ${allowed.join(', ')}, not ForceOff`, false);
    await this.call('power off', 'POST', reset.target, { ResetType: 'ForceOff' });
  }

  async powerState(): Promise<PowerState> {
    const system = await this.system('power status');
    if (system.PowerState === undefined)
      throw this.error('power status', `${system['@odata.id']} has no PowerState`, false);
    // PoweringOff is not off yet: fencing must wait for Off.
    return system.PowerState === 'Off' ? 'off' : 'on';
  }

  private async system(operation: BmcFailure['operation']): Promise<ComputerSystem> {
    this.systemPath ??= await this.findSystem(operation);
    return this.getResource(operation, this.systemPath, computerSystemSchema);
  }

  private async findSystem(operation: BmcFailure['operation']): Promise<string> {
    if (this.entry.systemId) return `/redfish/v1/Systems/${encodeURIComponent(this.entry.systemId)}`;
    const { Members } = await this.getResource(operation, '/redfish/v1/Systems', systemCollectionSchema);
    // Fencing the wrong system of a multi-node BMC would be worse than not fencing.
    if (Members.length !== 1) {
      const ids = Members.map((member) => member['@odata.id']).join(', ') || 'none';
      throw this.error(operation, `/redfish/v1/Systems has ${Members.length} members (${ids}): set systemId`, false);
    }
    return Members[0]!['@odata.id'];
  }

  private async getResource<T>(operation: BmcFailure['operation'], path: string, schema: z.ZodType<T>): Promise<T> {
    const body = await this.call(operation, 'GET', path);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw this.error(operation, `GET ${path} answered with a body that is not JSON`, false);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw this.error(operation, `GET ${path}: unexpected resource (${problems})`, false);
    }
    return parsed.data;
  }

  /** One request; resolves with the body of a 2xx answer, else rejects with a BmcError saying what went wrong. */
  private async call(
    operation: BmcFailure['operation'],
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<string> {
    const url = new URL(path, this.base);
    const what = `${method} ${url.pathname}`;
    let answer: { status: number; text: string };
    try {
      answer = await this.send(method, url, body === undefined ? undefined : JSON.stringify(body));
    } catch (error) {
      const { message, code } = error as Error & { code?: string };
      throw this.error(operation, `${what}: ${message}`, !CERTIFICATE_FAILURE.test(code ?? ''));
    }
    const { status, text } = answer;
    if (status >= 200 && status < 300) return text;
    const detail = `${what} answered ${status}${REFUSALS[status] ?? ''}: ${redfishMessageOf(text)}`;
    throw this.error(operation, detail, status >= 500 || status === 429);
  }

  /** One HTTPS exchange, bounded by the timeout from the request to the end of the answer. */
  private send(method: string, url: URL, payload: string | undefined): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: this.authorization };
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent: this.agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text });
        });
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(payload);
    });
  }

  private error(operation: BmcFailure['operation'], detail: string, transient: boolean): BmcError {
    const { origin } = this.base;
    return new BmcError({
      method: 'redfish',
      bmc: origin,
      operation,
      detail,
      transient,
      password: this.entry.password,
    });
  }
}
