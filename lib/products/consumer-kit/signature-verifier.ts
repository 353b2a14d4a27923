import { createVerify } from 'node:crypto';
import type { Agent } from 'node:https';
import SnsPayloadValidator from 'sns-payload-validator';
import { snsStringToSign } from '../../contracts/sns-signature';

/** The message is not provably from Amazon SNS: it must not be acted on. */
export class UntrustedMessageError extends Error {
  constructor(readonly reason: string) {
    super(`SNS message rejected: ${reason}`);
    this.name = 'UntrustedMessageError';
  }
}

/** The signing certificate could not be downloaded: nothing is known of the message yet, SNS should retry. */
export class SigningCertificateUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the SNS signing certificate could not be downloaded: ${String(cause)}`, { cause });
    this.name = 'SigningCertificateUnavailableError';
  }
}

/** Signing certificates kept in memory: SNS signs with few. */
const MAX_CERTIFICATES = 100;

/** What sns-payload-validator 2.1.0 rejects with, in words a VNF manager's operator can act on. */
const REASONS: Readonly<Record<string, string>> = {
  'Invalid Type': 'unknown message Type',
  'Invalid SignatureVersion': 'unsupported SignatureVersion (SNS signs with 1 or 2)',
  'Invalid SigningCertURL': 'SigningCertURL is not an Amazon SNS certificate URL',
  'Invalid Signature': 'the signature does not verify against the signing certificate',
};

const INVALID_SIGNATURE = 'Invalid Signature';

export interface SignatureVerifierOptions {
  /** Downloads SigningCertURL, e.g. the local stack's (localSnsCertificateAgent in lib/platform/local-stack/local-sns-certificate.ts). */
  requestAgent?: Agent;
  /**
   * LocalStack's SNS signs with a certificate of its own, served from its endpoint (e.g.
   * `http://localhost.localstack.cloud:4566`): give that origin to accept messages whose
   * SigningCertURL is under it, verified against that certificate. Never set it in production:
   * it trusts whoever answers at that origin.
   */
  localStackOrigin?: string;
}

/**
 * Checks that a message was signed by Amazon SNS (SignatureVersion 1 or 2), downloading the
 * signing certificate only from an SNS certificate URL (or the LocalStack origin given) and
 * caching it.
 */
export class SignatureVerifier {
  private cached: SnsPayloadValidator;
  private readonly uncached: SnsPayloadValidator;
  private readonly requestAgent: Agent | undefined;
  private readonly localStackOrigin: string | undefined;
  private readonly localStackCertificates = new Map<string, Promise<string>>();

  constructor(options: SignatureVerifierOptions = {}) {
    this.requestAgent = options.requestAgent;
    this.localStackOrigin = options.localStackOrigin?.replace(/\/+$/, '');
    this.cached = this.validator(true);
    this.uncached = this.validator(false);
  }

  /** Resolves when the message is genuine; throws UntrustedMessageError or SigningCertificateUnavailableError. */
  async verify(message: Readonly<Record<string, unknown>>): Promise<void> {
    const certificateUrl = String(message.SigningCertURL ?? '');
    if (this.localStackOrigin && certificateUrl.startsWith(`${this.localStackOrigin}/`)) {
      return this.verifyLocalStack(message, certificateUrl);
    }
    try {
      await this.check(this.cached, message);
    } catch (error) {
      if (!(error instanceof UntrustedMessageError && error.reason === REASONS[INVALID_SIGNATURE])) throw error;
      // The validator caches whatever a download returned, an error page too, and would then
      // reject every message signed with that certificate: check once against a fresh copy.
      await this.check(this.uncached, message);
      this.cached = this.validator(true);
    }
  }

  private async verifyLocalStack(message: Readonly<Record<string, unknown>>, certificateUrl: string): Promise<void> {
    const signed = snsStringToSign(message);
    if (signed === undefined) throw new UntrustedMessageError(REASONS['Invalid Type'] as string);
    const version = String(message.SignatureVersion);
    if (version !== '1' && version !== '2')
      throw new UntrustedMessageError(REASONS['Invalid SignatureVersion'] as string);
    let certificate = this.localStackCertificates.get(certificateUrl);
    if (!certificate) {
      certificate = fetch(certificateUrl).then(async (response) => {
        if (!response.ok) throw new Error(`${certificateUrl} answered ${response.status}`);
        return response.text();
      });
      this.localStackCertificates.set(certificateUrl, certificate);
    }
    const pem = await certificate.catch((error: unknown) => {
      this.localStackCertificates.delete(certificateUrl);
      throw new SigningCertificateUnavailableError(error);
    });
    const verifier = createVerify(version === '1' ? 'sha1WithRSAEncryption' : 'sha256WithRSAEncryption');
    verifier.end(signed);
    let genuine = false;
    try {
      genuine = verifier.verify(pem, String(message.Signature ?? ''), 'base64');
    } catch {
      genuine = false;
    }
    if (!genuine) throw new UntrustedMessageError(REASONS[INVALID_SIGNATURE] as string);
  }

  private async check(validator: SnsPayloadValidator, message: Readonly<Record<string, unknown>>): Promise<void> {
    try {
      await validator.validate(message as unknown as SnsPayloadValidator.SnsPayload);
    } catch (error) {
      const reason = error instanceof Error ? REASONS[error.message] : undefined;
      throw reason ? new UntrustedMessageError(reason) : new SigningCertificateUnavailableError(error);
    }
  }

  private validator(useCache: boolean): SnsPayloadValidator {
    return new SnsPayloadValidator({ useCache, maxCerts: MAX_CERTIFICATES, requestAgent: this.requestAgent });
  }
}
