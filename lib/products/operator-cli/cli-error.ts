/** A failure the operator can act on: its message is printed as is, and the CLI exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong (exit code 2, as for commander's own usage errors). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** What a network failure comes down to, from Node's error text (`connect ECONNREFUSED 127.0.0.1:3000`). */
export function networkFailureReason(text: string): string {
  if (/ECONNREFUSED/.test(text)) return 'connection refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'host not found';
  if (/TimeoutError|ETIMEDOUT|aborted due to timeout/.test(text)) return 'no answer in time';
  if (/ECONNRESET|socket hang up|other side closed/.test(text)) return 'connection reset';
  return text.replace(/^no answer \((.*)\)$/s, '$1');
}
