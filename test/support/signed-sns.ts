import { mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  signSnsMessage,
  snsSigningIdentity,
  startSnsCertificateServer,
  type SignableSnsMessage,
  type SnsSigningIdentity,
} from '../../infra/local/sns-signing';
import { localSnsCertificateAgent } from '../../lib/platform/local-stack/local-sns-certificate';

/** A signing key of a test's own, its certificate served over HTTPS on a random port, and the agent that reaches it. */
export interface TestSns {
  identity: SnsSigningIdentity;
  port: number;
  agent: Agent;
  /** Another key made the same way: its signatures do not verify against `identity`'s certificate. */
  forger(): Promise<SnsSigningIdentity>;
  close(): Promise<void>;
}

export async function startTestSns(): Promise<TestSns> {
  const dirs: string[] = [];
  const identityIn = () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'nfvi-test-sns-')));
    return snsSigningIdentity(dirs.at(-1));
  };
  const identity = await identityIn();
  const certificates = await startSnsCertificateServer(identity, 0);
  const agent = localSnsCertificateAgent({ port: certificates.port, certificatePem: identity.certificatePem });
  return {
    identity,
    port: certificates.port,
    agent,
    forger: identityIn,
    close: async () => {
      agent.destroy();
      await certificates.close();
      dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    },
  };
}

export interface SigningOptions {
  /** Who signs: SNS (`sns`) unless a test forges. */
  signer?: SnsSigningIdentity;
  /** Fields set after signing (tampering). */
  changes?: Record<string, unknown>;
}

/** A message as SNS POSTs it: signed, with `sns`'s SigningCertURL, then `extra` fields. */
export function signedSnsBody(
  unsigned: SignableSnsMessage,
  sns: SnsSigningIdentity,
  { signer = sns, changes = {} }: SigningOptions = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...unsigned,
    ...signSnsMessage(unsigned, signer.privateKey),
    SigningCertURL: sns.certificateUrl,
    ...extra,
    ...changes,
  };
}

let messages = 0;

/** An SNS Notification carrying `message` (as JSON) and its message attributes. */
export function notificationBody(
  sns: SnsSigningIdentity,
  topicArn: string,
  message: unknown,
  attributes: Readonly<Record<string, string>>,
  options: SigningOptions & { messageId?: string; timestamp?: string } = {},
): Record<string, unknown> {
  const unsigned: SignableSnsMessage = {
    Type: 'Notification',
    MessageId: options.messageId ?? `message-${++messages}`,
    TopicArn: topicArn,
    Message: JSON.stringify(message),
    Timestamp: options.timestamp ?? new Date().toISOString(),
  };
  return signedSnsBody(unsigned, sns, options, {
    UnsubscribeURL: 'https://sns.local-1.amazonaws.com/?Action=Unsubscribe',
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [name, { Type: 'String', Value: value }]),
    ),
  });
}
