import { CliError, networkFailureReason } from './cli-error';

/**
 * A failed AWS call as the operator can act on it: `what` names the resource (the inventory
 * table, the event bus), the rest says whether it is missing, unreachable or refused.
 */
export async function withAws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CliError) throw error;
    const e = error as { name?: string; code?: string; message?: string };
    const text = `${e.name ?? ''} ${e.code ?? ''} ${e.message ?? String(error)}`;
    if (e.name === 'ResourceNotFoundException') {
      throw new CliError(`${what} does not exist (is NFVI_STAGE the deployed stage?): ${e.message}`);
    }
    if (/Region is missing/i.test(text)) throw new CliError(`no AWS region for ${what}: set AWS_REGION`);
    if (e.name === 'CredentialsProviderError') throw new CliError(`no AWS credentials for ${what}: ${e.message}`);
    if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|TimeoutError/.test(text)) {
      throw new CliError(`cannot reach ${what}: ${networkFailureReason(text)}`);
    }
    throw new CliError(`${what}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
  }
}
