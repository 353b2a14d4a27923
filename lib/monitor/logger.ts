/** What the collector's parts log through (Powertools' Logger in the daemon, a recorder in tests). */
export interface CollectorLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}
