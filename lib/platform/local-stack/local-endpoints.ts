/**
 * The local stack's endpoints as a client sees them (`npm start`, the tests, `nfvi-doctor --local`).
 * Ports can be moved with NFVI_*_PORT variables (serverless.yml reads the same ones).
 */
export interface LocalPorts {
  dynamodb: number;
  sns: number;
  eventBridge: number;
  sqs: number;
  http: number;
  lambda: number;
  /** Where the local SNS's signing certificate is served (infra/local/sns-signing.ts). */
  snsCertificate: number;
}

/** Each port's variable and default. */
const PORTS: Record<keyof LocalPorts, [variable: string, fallback: number]> = {
  dynamodb: ['NFVI_DYNAMODB_PORT', 8000],
  sns: ['NFVI_SNS_PORT', 4002],
  eventBridge: ['NFVI_EVENTBRIDGE_PORT', 4010],
  sqs: ['NFVI_SQS_PORT', 4012],
  http: ['NFVI_HTTP_PORT', 3000],
  lambda: ['NFVI_LAMBDA_PORT', 3002],
  snsCertificate: ['NFVI_SNS_CERT_PORT', 4003],
};

const entriesOf = <T>(record: Record<keyof LocalPorts, T>) => Object.entries(record) as [keyof LocalPorts, T][];

export function localPorts(): LocalPorts {
  return Object.fromEntries(
    entriesOf(PORTS).map(([name, [variable, fallback]]) => [name, Number(process.env[variable] ?? fallback)]),
  ) as unknown as LocalPorts;
}

/** The NFVI_*_PORT variables that give these ports. */
export function portVariables(ports: LocalPorts): Record<string, string> {
  return Object.fromEntries(entriesOf(PORTS).map(([name, [variable]]) => [variable, String(ports[name])]));
}

export const LOCAL_STAGE = 'local';
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

/** The HTTP APIs (serverless-offline's API Gateway, without a stage in the path). */
export const localApiUrl = (ports: LocalPorts = localPorts()): string => `http://127.0.0.1:${ports.http}`;

/** The SDK settings that point AWS clients at the emulators. */
export function localAwsEnvironment(ports: LocalPorts = localPorts()): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.dynamodb}`,
    AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${ports.sns}`,
    AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${ports.eventBridge}`,
    AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${ports.sqs}`,
    AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${ports.lambda}`,
  };
}
