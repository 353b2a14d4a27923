import { execFile } from 'node:child_process';

/** How a tool run ended. exitCode is null when the tool did not exit by itself (not found, timed out); error says why. */
export type ToolRun = { stdout: string; stderr: string; exitCode: number | null; error?: string };

/**
 * Runs a tool without a shell; never rejects, so a failed run cannot take the daemon down.
 * env replaces the inherited environment when given (a secret goes there, never in args).
 */
export function runTool(command: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr, exitCode: 0 });
      const { code, killed, signal } = error;
      if (typeof code === 'number') return resolve({ stdout, stderr, exitCode: code });
      // error.message repeats the command line, which can hold a BMC password: describe the failure without it.
      const reason = killed ? `timed out after ${timeoutMs} ms` : signal ? `killed by ${signal}` : `failed (${code})`;
      resolve({ stdout, stderr, exitCode: null, error: `${command} ${reason}` });
    });
  });
}
