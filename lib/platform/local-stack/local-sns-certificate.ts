import { readFileSync } from 'node:fs';
import { Agent, type RequestOptions } from 'node:https';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { localPorts } from './local-endpoints';

/** The host of the local SigningCertURL: AWS's pattern (sns.<region>.amazonaws.com), a region of our own. */
export const LOCAL_SNS_HOST = 'sns.local-1.amazonaws.com';

/** Where the local stack keeps its SNS signing key and certificate (key.pem, cert.pem), made once. */
export const SNS_SIGNING_DIR = join(resolve(__dirname, '..', '..', '..'), '.local', 'sns-signing');

/** Sends connections for LOCAL_SNS_HOST to the local port, still checking the certificate against that name. */
class LocalSnsCertificateAgent extends Agent {
  constructor(
    private readonly port: number,
    certificatePem: string,
  ) {
    super({ ca: [certificatePem] });
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const local = { ...options, host: '127.0.0.1', port: this.port, servername: LOCAL_SNS_HOST };
    return super.createConnection(options.host === LOCAL_SNS_HOST ? local : options, callback);
  }
}

/**
 * An https.Agent for downloading the local SigningCertURL (the consumer kit's `requestAgent`):
 * it reaches the certificate server, and trusts only the local certificate.
 */
export function localSnsCertificateAgent(options: { port?: number; certificatePem?: string } = {}): Agent {
  const certificatePem = options.certificatePem ?? readFileSync(join(SNS_SIGNING_DIR, 'cert.pem'), 'utf8');
  return new LocalSnsCertificateAgent(options.port ?? localPorts().snsCertificate, certificatePem);
}
