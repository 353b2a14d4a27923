import { X509Certificate, createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { snsStringToSign, type SignedSnsMessageType } from '../../lib/contracts/sns-signature';
import { localPorts } from '../../lib/platform/local-stack/local-endpoints';
import { LOCAL_SNS_HOST, SNS_SIGNING_DIR } from '../../lib/platform/local-stack/local-sns-certificate';

/*
 * The local stack signs SNS HTTP deliveries as Amazon SNS does, so that VNF managers run with
 * signature verification on locally too. The certificate's URL has AWS's form, with a region
 * no AWS has, and is served on 127.0.0.1; localSnsCertificateAgent() (lib/platform/local-stack) takes a
 * verifier there.
 */

export interface SnsSigningIdentity {
  privateKeyPem: string;
  /** The key parsed once: parsing the PEM for each signature tripled its cost. */
  privateKey: KeyObject;
  certificatePem: string;
  /** The SigningCertURL of every message signed with the key. */
  certificateUrl: string;
}

const VALIDITY_YEARS = 10;

/** `https://sns.local-1.amazonaws.com/SimpleNotificationService-<32 hex of the certificate's fingerprint>.pem` */
export function certificateUrlOf(certificatePem: string): string {
  const hex = new X509Certificate(certificatePem).fingerprint256.replace(/:/g, '').toLowerCase().slice(0, 32);
  return `https://${LOCAL_SNS_HOST}/SimpleNotificationService-${hex}.pem`;
}

const identityOf = (privateKeyPem: string, certificatePem: string): SnsSigningIdentity => ({
  privateKeyPem,
  privateKey: createPrivateKey(privateKeyPem),
  certificatePem,
  certificateUrl: certificateUrlOf(certificatePem),
});

function usable(privateKeyPem: string, certificatePem: string): boolean {
  const certificate = new X509Certificate(certificatePem);
  return Date.parse(certificate.validTo) > Date.now() && certificate.checkPrivateKey(createPrivateKey(privateKeyPem));
}

/** The local signing key and its self-signed certificate, created in `dir` on first use. */
export async function snsSigningIdentity(dir: string = SNS_SIGNING_DIR): Promise<SnsSigningIdentity> {
  const keyFile = join(dir, 'key.pem');
  const certificateFile = join(dir, 'cert.pem');
  if (existsSync(keyFile) && existsSync(certificateFile)) {
    const [key, certificate] = [readFileSync(keyFile, 'utf8'), readFileSync(certificateFile, 'utf8')];
    if (usable(key, certificate)) return identityOf(key, certificate);
  }
  const notAfterDate = new Date();
  notAfterDate.setFullYear(notAfterDate.getFullYear() + VALIDITY_YEARS);
  // One certificate both signs messages and serves them over TLS, for the name in SigningCertURL.
  const pems = await generate([{ name: 'commonName', value: LOCAL_SNS_HOST }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certificateFile, pems.cert);
  return identityOf(pems.private, pems.cert);
}

export interface SignableSnsMessage {
  Type: SignedSnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

/** SNS's SignatureVersion 2: RSA-SHA256 over "<field>\n<value>\n" for each field present. */
export function signSnsMessage(
  message: SignableSnsMessage,
  privateKey: string | KeyObject,
): { SignatureVersion: '2'; Signature: string } {
  return {
    SignatureVersion: '2',
    Signature: createSign('RSA-SHA256')
      .update(snsStringToSign({ ...message }) as string)
      .sign(privateKey, 'base64'),
  };
}

export interface SnsCertificateServer {
  port: number;
  close(): Promise<void>;
}

/** Serves the certificate at its SigningCertURL path, over TLS with the same certificate, on 127.0.0.1. */
export async function startSnsCertificateServer(
  identity: SnsSigningIdentity,
  port: number = localPorts().snsCertificate,
): Promise<SnsCertificateServer> {
  const path = new URL(identity.certificateUrl).pathname;
  const server = createServer({ key: identity.privateKeyPem, cert: identity.certificatePem }, (req, res) => {
    if (req.method === 'GET' && req.url === path) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(identity.certificatePem);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
