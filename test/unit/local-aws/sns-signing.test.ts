import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get, type Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  snsSigningIdentity,
  startSnsCertificateServer,
  type SnsCertificateServer,
  type SnsSigningIdentity,
} from '../../../infra/local/sns-signing';
import { localSnsCertificateAgent } from '../../../lib/platform/local-stack/local-sns-certificate';

/*
 * The local stack's SNS signing identity and certificate endpoint (infra/local/sns-signing.ts);
 * the local SNS's signed deliveries are specified in test/unit/local-aws/sns.test.ts.
 */

/** sns-payload-validator 2.1.0's test of a SigningCertURL. */
const AWS_CERTIFICATE_URL =
  /^https:\/\/sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?\/SimpleNotificationService-[a-zA-Z0-9]{32}\.pem$/;
let dir: string;
let identity: SnsSigningIdentity;
let certificates: SnsCertificateServer;
let agent: Agent;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nfvi-sns-signing-'));
  identity = await snsSigningIdentity(dir);
  certificates = await startSnsCertificateServer(identity, 0);
  agent = localSnsCertificateAgent({ port: certificates.port, certificatePem: identity.certificatePem });
});

afterAll(async () => {
  agent.destroy();
  await certificates.close();
  rmSync(dir, { recursive: true, force: true });
});

/** GET through the local agent: the status and the body. */
const download = (url: string) =>
  new Promise<{ status: number; body: string }>((done, fail) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });

describe('Local SNS signing: snsSigningIdentity()', () => {
  it('keeps the key and certificate it created, and uses them again on the next start', async () => {
    // Act
    const again = await snsSigningIdentity(dir);

    // Assess
    expect(existsSync(join(dir, 'key.pem')) && existsSync(join(dir, 'cert.pem'))).toBe(true);
    expect(again).toEqual(identity);
  });

  it('names its certificate with a URL of the form SNS uses', () => {
    expect(identity.certificateUrl).toMatch(AWS_CERTIFICATE_URL);
    expect(new URL(identity.certificateUrl).hostname).toBe('sns.local-1.amazonaws.com');
  });
});

describe('Local SNS signing: the certificate endpoint and its agent', () => {
  it('serves the certificate at its SigningCertURL, over TLS checked against sns.local-1.amazonaws.com', async () => {
    expect(await download(identity.certificateUrl)).toEqual({ status: 200, body: identity.certificatePem });
  });

  it('serves nothing else', async () => {
    const elsewhere = new URL(
      '/SimpleNotificationService-00000000000000000000000000000000.pem',
      identity.certificateUrl,
    );
    expect((await download(elsewhere.href)).status).toBe(404);
  });
});
