import Table from 'cli-table3';

export interface Writer {
  write(text: string): unknown;
}

/** Where a command prints: its result on stdout (a table, or JSON with --json), the rest on stderr. */
export interface Output {
  json: boolean;
  stdout: Writer;
  stderr: Writer;
}

type Cell = string | number | boolean | null | undefined;

/** No line between rows, as the openstack CLI prints its tables. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** A table without colours, so that it reads the same in a terminal, a pipe and a log. */
export function table(head: string[], rows: Cell[][]): string {
  const t = new Table({ head, chars: COMPACT, style: { head: [], border: [] } });
  t.push(...rows.map((row) => row.map((cell) => (cell === undefined || cell === null ? '' : cell))));
  return t.toString();
}

/** The command's result: `data` as JSON with --json, otherwise what `human` makes of it. */
export function print<T>(output: Output, data: T, human: (data: T) => string): void {
  output.stdout.write(output.json ? `${JSON.stringify(data, null, 2)}\n` : `${human(data)}\n`);
}

/** One event of a stream (tail, watch): a JSON line with --json, otherwise a line of text. */
export function printLine<T>(output: Output, data: T, human: (data: T) => string): void {
  output.stdout.write(output.json ? `${JSON.stringify(data)}\n` : `${human(data)}\n`);
}

/** Alarm and session ids are UUIDs: their first 8 characters tell them apart in a table. */
export const shortId = (id: string): string => id.slice(0, 8);

/** An ISO time to the second, or a dash. */
export const time = (iso: string | null | undefined): string =>
  iso ? iso.replace(/\.\d+(?=Z|[+-]\d{2}:\d{2}$)/, '') : '-';
