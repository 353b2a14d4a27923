import { Command } from 'commander';
import type { z } from 'zod';
import { createSessionBody } from '../../contracts/fenix';
import {
  sessionCreated,
  sessionDeleted,
  sessionList,
  sessionView,
  type SessionView,
} from '../../maintenance/api/session-view';
import type { ApiClient } from './api-client';
import { UsageError } from './cli-error';
import { collect, keyValues, seconds, type CommandKit } from './command-kit';
import { print, printLine, shortId, table, time, type Output } from './render';

const sessionPath = (id: string) => `/v1/maintenance/${encodeURIComponent(id)}`;

export interface CreateRequest {
  hosts: string[];
  /** When maintenance may start: an ISO time, or seconds from now. */
  at?: string;
  inSeconds?: number;
  workflow: string;
  metadata: Record<string, string>;
}

/** The Fenix body, checked by the API's own schema so that a wrong option fails before any call. */
function createBody(request: CreateRequest, now: Date): z.input<typeof createSessionBody> {
  if (request.at !== undefined && request.inSeconds !== undefined) throw new UsageError('give --at or --in, not both');
  const body = {
    hosts: request.hosts,
    state: 'MAINTENANCE' as const,
    maintenance_at: request.at ?? new Date(now.getTime() + (request.inSeconds ?? 0) * 1000).toISOString(),
    workflow: request.workflow,
    metadata: request.metadata,
  };
  const parsed = createSessionBody.safeParse(body);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return { ...body, workflow: parsed.data.workflow };
}

/** `nfvi-doctor maintenance create`. */
export async function createSession(api: ApiClient, output: Output, request: CreateRequest, now: Date): Promise<void> {
  const body = createBody(request, now);
  const created = await api.post('/v1/maintenance', sessionCreated, body);
  print(
    output,
    created,
    (c) =>
      `created maintenance session ${c.session_id} for ${body.hosts.join(', ')}, maintenance at ${body.maintenance_at}`,
  );
}

/** `nfvi-doctor maintenance list`. */
export async function listSessions(api: ApiClient, output: Output): Promise<void> {
  const list = await api.get('/v1/maintenance', sessionList);
  print(output, list, ({ sessions }) =>
    sessions.length === 0
      ? 'no maintenance sessions'
      : table(
          ['session', 'state', 'hosts', 'created'],
          sessions.map((s) => [s.session_id, s.state, s.hosts.join(', '), time(s.created_at)]),
        ),
  );
}

function sessionDetails(v: SessionView): string {
  const sections = [
    table(
      [],
      [
        ['session', v.session_id],
        ['state', v.state + (v.reason ? ` (${v.reason})` : '')],
        ['workflow', v.workflow],
        ['maintenance at', time(v.maintenance_at)],
        ['waiting for', v.waiting_for + (v.deadline_at ? ` until ${time(v.deadline_at)}` : '')],
        ['created', time(v.created_at)],
        ['updated', time(v.updated_at)],
        ...Object.entries(v.metadata).map(([key, value]) => [`metadata ${key}`, JSON.stringify(value)]),
      ],
    ),
    table(
      ['host', 'progress', 'waits because'],
      Object.entries(v.hosts).map(([host, progress]) => [host, progress, (v.waiting_hosts[host] ?? []).join('\n')]),
    ),
  ];
  if (v.replies) {
    sections.push(
      `replies to ${v.replies.state} (reply by ${time(v.replies.reply_at)}):\n` +
        table(
          ['project', 'instances', 'reply', 'answered'],
          Object.entries(v.replies.projects).map(([project, p]) => [
            project,
            p.instance_ids.length,
            p.reply,
            time(p.answered_at),
          ]),
        ),
    );
  }
  if (v.moves && Object.keys(v.moves).length > 0) {
    sections.push(
      table(
        ['instance', 'from', 'to', 'action', 'status'],
        Object.entries(v.moves).map(([id, m]) => [
          id,
          m.from_host,
          m.to_host ?? '(scheduler)',
          m.action ?? '-',
          m.status,
        ]),
      ),
    );
  }
  sections.push(
    table(
      ['at', 'from', 'to', 'reason'],
      v.history.map((h) => [time(h.at), h.from ?? '-', h.to, h.reason ?? '']),
    ),
  );
  return sections.join('\n');
}

/** `nfvi-doctor maintenance show <id>`. */
export async function showSession(api: ApiClient, output: Output, id: string): Promise<void> {
  print(output, await api.get(sessionPath(id), sessionView), sessionDetails);
}

/** `nfvi-doctor maintenance delete <id>`: a session under way fails cleanly, its hosts back in service. */
export async function deleteSession(api: ApiClient, output: Output, id: string): Promise<void> {
  const deleted = await api.delete(sessionPath(id), sessionDeleted);
  print(output, deleted, (d) => `maintenance session ${d.session_id}: ${d.state ?? 'gone'}`);
}

/** One thing that changed in a session between two polls. */
export type SessionChange =
  | { kind: 'session'; state: SessionView['state']; reason?: string }
  | { kind: 'host'; host: string; progress: string; waitsBecause: string[] }
  | { kind: 'reply'; round: string; project: string; reply: string }
  | { kind: 'move'; instance: string; from: string; to?: string; action?: string; status: string };

/** What differs from the previous poll (everything, on the first one). */
export function changesBetween(previous: SessionView | undefined, next: SessionView): SessionChange[] {
  const changes: SessionChange[] = [];
  if (previous?.state !== next.state) {
    changes.push({ kind: 'session', state: next.state, ...(next.reason ? { reason: next.reason } : {}) });
  }
  for (const [host, progress] of Object.entries(next.hosts)) {
    const waitsBecause = next.waiting_hosts[host] ?? [];
    const before = previous && { progress: previous.hosts[host], waits: previous.waiting_hosts[host] ?? [] };
    if (before?.progress !== progress || before.waits.join('\n') !== waitsBecause.join('\n')) {
      changes.push({ kind: 'host', host, progress, waitsBecause });
    }
  }
  for (const [project, p] of Object.entries(next.replies?.projects ?? {})) {
    const before = previous?.replies?.state === next.replies?.state ? previous?.replies?.projects[project] : undefined;
    if (before?.reply !== p.reply) {
      changes.push({ kind: 'reply', round: next.replies?.state ?? '', project, reply: p.reply });
    }
  }
  for (const [instance, m] of Object.entries(next.moves ?? {})) {
    const before = previous?.moves?.[instance];
    if (before?.status !== m.status || before.to_host !== m.to_host) {
      changes.push({
        kind: 'move',
        instance,
        from: m.from_host,
        ...(m.to_host ? { to: m.to_host } : {}),
        ...(m.action ? { action: m.action } : {}),
        status: m.status,
      });
    }
  }
  return changes;
}

function changeLine(c: SessionChange): string {
  switch (c.kind) {
    case 'session':
      return `session  ${c.state}${c.reason ? `: ${c.reason}` : ''}`;
    case 'host':
      return `host     ${c.host}  ${c.progress}${c.waitsBecause.length > 0 ? ` (waits: ${c.waitsBecause.join('; ')})` : ''}`;
    case 'reply':
      return `reply    ${c.project} to ${c.round}: ${c.reply}`;
    case 'move':
      return `move     ${shortId(c.instance)} ${c.from} -> ${c.to ?? '(scheduler)'} ${c.action ?? ''} ${c.status}`.replace(
        /\s+$/,
        '',
      );
  }
}

export interface WatchOptions {
  intervalMs: number;
  sleep: (ms: number) => Promise<void>;
  clock: () => Date;
}

/**
 * `nfvi-doctor maintenance watch <id>`: polls the session and prints what changed, until it
 * ends. Returns the exit code: 0 for MAINTENANCE_DONE, 1 for MAINTENANCE_FAILED.
 */
export async function watchSession(api: ApiClient, output: Output, id: string, options: WatchOptions): Promise<number> {
  let previous: SessionView | undefined;
  for (;;) {
    const view = await api.get(sessionPath(id), sessionView);
    const at = options.clock().toISOString();
    for (const change of changesBetween(previous, view)) {
      printLine(output, { at, session_id: view.session_id, ...change }, (c) => `${time(c.at)}  ${changeLine(change)}`);
    }
    previous = view;
    if (view.state === 'MAINTENANCE_DONE') return 0;
    if (view.state === 'MAINTENANCE_FAILED') return 1;
    await options.sleep(options.intervalMs);
  }
}

/** `maintenance create|list|show|watch|delete`; `watch` ends with the session's outcome as exit code. */
export function maintenanceCommand({ context, exit, apiOf, output }: CommandKit): Command {
  const maintenance = new Command('maintenance').description('planned maintenance sessions (Fenix API)');
  maintenance
    .command('create')
    .description('ask for hosts to be emptied and maintained')
    .requiredOption('--hosts <hosts>', 'comma-separated compute hosts')
    .option('--at <iso>', 'when maintenance may start (default: now)')
    .option('--in <seconds>', 'when maintenance may start, in seconds from now', seconds)
    .option('--workflow <name>', 'the workflow', 'default')
    .option('--metadata <key=value>', 'session metadata (repeatable)', collect, [])
    .action(
      async (
        options: { hosts: string; at?: string; in?: number; workflow: string; metadata: string[] },
        command: Command,
      ) => {
        await createSession(
          apiOf(command),
          output(command),
          {
            hosts: options.hosts.split(',').map((h) => h.trim()),
            ...(options.at !== undefined && { at: options.at }),
            ...(options.in !== undefined && { inSeconds: options.in }),
            workflow: options.workflow,
            metadata: keyValues(options.metadata),
          },
          context.clock(),
        );
      },
    );
  maintenance
    .command('list')
    .description('every session')
    .action(async (_options, command: Command) => listSessions(apiOf(command), output(command)));
  maintenance
    .command('show <sessionId>')
    .description("a session's state, hosts, replies, moves and history")
    .action(async (sessionId: string, _options, command: Command) =>
      showSession(apiOf(command), output(command), sessionId),
    );
  maintenance
    .command('watch <sessionId>')
    .description('follow a session until it ends: exit 0 when MAINTENANCE_DONE, 1 when MAINTENANCE_FAILED')
    .option('--interval <seconds>', 'between polls', seconds, 2)
    .action(async (sessionId: string, options: { interval: number }, command: Command) => {
      exit(
        await watchSession(apiOf(command), output(command), sessionId, {
          intervalMs: options.interval * 1000,
          sleep: context.sleep,
          clock: context.clock,
        }),
      );
    });
  maintenance
    .command('delete <sessionId>')
    .description('cancel a session: it fails cleanly, its hosts back in service')
    .action(async (sessionId: string, _options, command: Command) =>
      deleteSession(apiOf(command), output(command), sessionId),
    );
  return maintenance;
}
