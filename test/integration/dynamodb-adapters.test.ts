import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { DynamoDbFaultActions } from '../../lib/adapters/dynamodb/dynamodb-fault-actions';
import { DynamoDbFaultStore } from '../../lib/adapters/dynamodb/dynamodb-fault-store';
import { DynamoDbInventory } from '../../lib/adapters/dynamodb/dynamodb-inventory';
import { DynamoDbPeerVotes } from '../../lib/adapters/dynamodb/dynamodb-peer-votes';
import { DynamoDbQuarantine } from '../../lib/adapters/dynamodb/dynamodb-quarantine';
import { DynamoDbSessions } from '../../lib/adapters/dynamodb/dynamodb-sessions';
import { TenantTopics } from '../../lib/adapters/sns/tenant-topics';
import type { FaultRecord } from '../../lib/inspector/fault-record';
import { type PeerVote } from '../../lib/inspector/fault-signal';
import { ConcurrentUpdateError } from '../../lib/inspector/ports';
import type { Session } from '../../lib/maintenance/session/session';
import { ConcurrentSessionUpdateError, type OutboxEntry } from '../../lib/maintenance/workflow/ports';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

const record = (host: string, version: number, extra: Partial<FaultRecord> = {}): FaultRecord => ({
  host,
  faultKey: 'link:eno1',
  status: 'CLEARED',
  version,
  transitionSeq: 0,
  publishedSeq: 0,
  raisedSeq: 0,
  lastObservation: { collectorId: 'c1', seq: version, observedAt: new Date().toISOString() },
  instanceAlarms: [],
  ...extra,
});

describe('DynamoDbFaultStore (DynamoDB Local)', () => {
  const store = () => new DynamoDbFaultStore(awsClients().dynamo, config().alarmsTable);

  it('stores a new record and reads it back', async () => {
    const host = unique('host');
    await store().save(record(host, 1), undefined);
    expect(await store().get(host, 'link:eno1')).toMatchObject({ host, version: 1, status: 'CLEARED' });
  });

  it('refuses a write based on a version that another writer already replaced', async () => {
    const host = unique('host');
    await store().save(record(host, 1), undefined);
    await store().save(record(host, 2), 1);
    await expect(store().save(record(host, 2), 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(store().save(record(host, 1), undefined)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('keeps the publication mark when the record is saved again, and never lowers it', async () => {
    const host = unique('host');
    await store().save(record(host, 1, { transitionSeq: 2 }), undefined);
    await store().markPublished(host, 'link:eno1', 2);
    await store().markPublished(host, 'link:eno1', 1);
    await store().save(record(host, 2, { transitionSeq: 2, publishedSeq: 0 }), 1);
    expect((await store().get(host, 'link:eno1'))?.publishedSeq).toBe(2);
  });

  it('lists a record for the sweeper once its dueAt has come, and no more once it has none', async () => {
    const host = unique('host');
    const dueAt = new Date(Date.now() - 1000).toISOString();
    await store().save(record(host, 1, { dueAt }), undefined);
    expect(await store().due(new Date())).toContainEqual({ host, faultKey: 'link:eno1' });
    expect(await store().due(new Date(Date.now() - 60_000))).not.toContainEqual({ host, faultKey: 'link:eno1' });
    await store().save(record(host, 2), 1);
    expect(await store().due(new Date())).not.toContainEqual({ host, faultKey: 'link:eno1' });
  });

  it('lets one invocation take over the publication of a transition whose publisher ran out of time, and no second', async () => {
    const host = unique('host');
    const stale = record(host, 1, {
      transitionSeq: 1,
      lastTransition: 'RAISED',
      publishBy: new Date(Date.now() - 1000).toISOString(),
    });
    await store().save(stale, undefined);
    const mine = new Date(Date.now() + 10_000).toISOString();
    const claims = await Promise.all([store().claimPublication(stale, mine), store().claimPublication(stale, mine)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await store().get(host, 'link:eno1'))?.publishBy).toBe(mine);
    await store().markPublished(host, 'link:eno1', 1);
    expect(await store().claimPublication({ ...stale, publishBy: mine }, mine)).toBe(false);
  });

  it('reads nothing for a fault never seen', async () => {
    expect(await store().get(unique('host'), 'link:eno1')).toBeUndefined();
  });
});

describe('DynamoDbInventory (DynamoDB Local)', () => {
  const inventory = () => new DynamoDbInventory(awsClients().dynamo, config().inventoryTable);
  const instance = (id: string) => ({ id, name: `vm ${id}`, tenantId: 'tenant-a' });

  it('returns the instances of a host from its partition, across pages', async () => {
    const host = unique('host');
    // 300 items of 4 kB exceed the 1 MB a Query page holds.
    const many = Array.from({ length: 300 }, (_, i) => ({ ...instance(`vm-${i}`), name: 'x'.repeat(4000) }));
    await inventory().replaceHost(host, many, new Date().toISOString());
    const found = await inventory().hostInventory(host);
    expect(found.known).toBe(true);
    expect(found.instances).toHaveLength(300);
  }, 30_000);

  it('replaces what was stored for a host: instances no longer listed are removed', async () => {
    const host = unique('host');
    await inventory().replaceHost(host, [instance('a'), instance('b')], new Date().toISOString());
    await inventory().replaceHost(host, [instance('b'), instance('c')], new Date().toISOString());
    expect((await inventory().hostInventory(host)).instances.map((i) => i.id).sort()).toEqual(['b', 'c']);
  });

  it('lists every host with its instance count, tenants and maintenance mark (nfvi-doctor hosts)', async () => {
    const [busy, empty] = [unique('host'), unique('host')];
    const at = new Date().toISOString();
    await inventory().replaceHost(
      busy,
      [instance('a1'), instance('a2'), { ...instance('b1'), tenantId: 'tenant-b' }],
      at,
    );
    await inventory().replaceHost(empty, [], at);
    await inventory().setMaintenance(empty, true);
    const hosts = await inventory().listHosts();
    expect(hosts.find((h) => h.host === busy)).toEqual({
      host: busy,
      instances: 3,
      tenants: ['tenant-a', 'tenant-b'],
      inMaintenance: false,
    });
    expect(hosts.find((h) => h.host === empty)).toEqual({
      host: empty,
      instances: 0,
      tenants: [],
      inMaintenance: true,
    });
  });

  it('tells an unknown host from a known host without instances', async () => {
    const empty = unique('host');
    await inventory().replaceHost(empty, [], new Date().toISOString());
    expect(await inventory().hostInventory(empty)).toEqual({ known: true, instances: [] });
    expect(await inventory().hostInventory(unique('host'))).toEqual({ known: false, instances: [] });
  });
});

describe('TenantTopics (DynamoDB Local + offline SNS)', () => {
  it("creates a tenant's topic on first use, named for the tenant, and records it", async () => {
    const { dynamo, sns } = awsClients();
    const cfg = config();
    const tenantId = unique('tenant');
    const topics = await new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix).topicArnsFor([tenantId]);
    const arn = topics.get(tenantId);
    expect(arn).toMatch(new RegExp(`:nfvi-doctor-local-tenant-${tenantId}$`));
    const { Item } = await dynamo.send(new GetCommand({ TableName: cfg.tenantsTable, Key: { tenantId } }));
    expect(Item).toMatchObject({ tenantId, topicArn: arn });
  });

  it('gives a second container the recorded topic', async () => {
    const { dynamo, sns } = awsClients();
    const cfg = config();
    const tenantId = unique('tenant');
    const first = await new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix).topicArnsFor([tenantId]);
    const second = await new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix).topicArnsFor([
      tenantId,
      tenantId,
    ]);
    expect(second.get(tenantId)).toBe(first.get(tenantId));
  });
});

describe('DynamoDbFaultActions (DynamoDB Local)', () => {
  const store = () => new DynamoDbFaultActions(awsClients().dynamo, config().vim.actionsTable as string);
  const action = (host: string, transitionSeq: number) => ({
    host,
    faultKey: 'link:eno1',
    impact: 'host' as const,
    active: true,
    transitionSeq,
    instances: ['vm-1'],
  });

  it('records a newer transition of a fault and refuses an older or equal one', async () => {
    const host = unique('host');
    expect(await store().record(action(host, 2))).toBe('recorded');
    expect(await store().record(action(host, 2))).toBe('not-newer');
    expect(await store().record(action(host, 1))).toBe('not-newer');
    expect(await store().ofHost(host)).toEqual([
      expect.objectContaining({ transitionSeq: 2, appliedSeq: 0, attempts: 0 }),
    ]);
  });

  it('lists a pending host for the retry until it is applied, and not at all once the VIM refused', async () => {
    const [pending, refused] = [unique('host'), unique('host')];
    await store().record(action(pending, 1));
    await store().record(action(refused, 1));
    await store().markPending(pending, ['link:eno1'], 'no answer', new Date());
    await store().markPending(refused, ['link:eno1'], 'no answer', new Date());
    await store().markFailed(refused, ['link:eno1'], 'no nova-compute service', new Date());
    const hosts = await store().pendingHosts();
    expect(hosts).toContain(pending);
    expect(hosts).not.toContain(refused);
    expect((await store().ofHost(refused))[0]).toMatchObject({ lastError: 'no nova-compute service', attempts: 2 });
    await store().markApplied(pending, [{ faultKey: 'link:eno1', transitionSeq: 1 }], new Date());
    expect(await store().pendingHosts()).not.toContain(pending);
  });
});

describe('DynamoDbPeerVotes (DynamoDB Local)', () => {
  const store = () => new DynamoDbPeerVotes(awsClients().dynamo, config().peerVotesTable);
  const vote = (
    host: string,
    observer: string,
    reachable: boolean,
    seq: number,
    collectorId = `${observer}/c`,
  ): PeerVote => ({
    host,
    observer,
    reachable,
    lossPct: reachable ? 0 : 100,
    rttMs: reachable ? 0.5 : null,
    observation: { collectorId, seq, observedAt: new Date(Date.UTC(2026, 10, 25, 10, 0, seq)).toISOString() },
  });

  it("keeps each observer's latest vote and lists a host's votes", async () => {
    const host = unique('host');
    expect(await store().put(vote(host, 'obs-1', true, 1))).toBe('stored');
    expect(await store().put(vote(host, 'obs-2', true, 1))).toBe('stored');
    expect(await store().put(vote(host, 'obs-1', false, 2))).toBe('stored');
    const votes = await store().votes(host);
    expect(votes.map((v) => [v.observer, v.reachable]).sort()).toEqual([
      ['obs-1', false],
      ['obs-2', true],
    ]);
  });

  it('tells a repeated vote from an older one, and keeps the newer', async () => {
    const host = unique('host');
    await store().put(vote(host, 'obs-1', false, 5));
    expect(await store().put(vote(host, 'obs-1', false, 5))).toBe('duplicate');
    expect(await store().put(vote(host, 'obs-1', true, 4))).toBe('stale');
    expect((await store().votes(host))[0]).toMatchObject({ reachable: false, observation: { seq: 5 } });
  });

  it("lets a restarted observer's new collector replace its vote by time", async () => {
    const host = unique('host');
    await store().put(vote(host, 'obs-1', false, 5, 'old-collector'));
    expect(await store().put(vote(host, 'obs-1', true, 6, 'new-collector'))).toBe('stored');
    expect(await store().put(vote(host, 'obs-1', false, 3, 'old-collector'))).toBe('stale');
  });
});

describe('DynamoDbSessions (DynamoDB Local)', () => {
  const store = () => new DynamoDbSessions(awsClients().dynamo, config().sessionsTable);
  const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s)).toISOString();
  const sessionOf = (id: string, version: number, extra: Partial<Session> = {}): Session => ({
    session_id: id,
    version,
    state: 'MAINTENANCE',
    waiting_for: 'REPLIES',
    deadline_at: at(30),
    created_at: at(0),
    updated_at: at(0),
    maintenance_at: at(60),
    workflow: 'default',
    metadata: {},
    actions: [],
    download: [],
    operator_answer_required: false,
    phase_actions: {},
    default_action: 'MIGRATE',
    reply_timeout_s: 30,
    drain_timeout_s: 600,
    host_maintenance_timeout_s: 600,
    admin_project_id: 'admin',
    api_url: 'http://127.0.0.1:3000',
    hosts: { 'compute-1': 'PENDING' },
    instances: { 'vm-1': { project_id: 'project-a', host: 'compute-1' } },
    round_seq: 0,
    plan_seq: 0,
    history: [{ from: null, to: 'MAINTENANCE', at: at(0) }],
    ...extra,
  });

  it('stores a new session once, then only on the version it was decided from', async () => {
    const id = unique('session');
    await store().save(sessionOf(id, 1), undefined);
    await expect(store().save(sessionOf(id, 1), undefined)).rejects.toBeInstanceOf(ConcurrentSessionUpdateError);
    await store().save(sessionOf(id, 2, { state: 'SCALE_IN' }), 1);
    await expect(store().save(sessionOf(id, 2, { state: 'PREPARE_MAINTENANCE' }), 1)).rejects.toBeInstanceOf(
      ConcurrentSessionUpdateError,
    );
    expect(await store().get(id)).toMatchObject({ version: 2, state: 'SCALE_IN' });
  });

  it('lists for the sweeper the sessions under way whose deadline has passed, and no ended one', async () => {
    const [due, later, ended] = [unique('due'), unique('later'), unique('ended')];
    await store().save(sessionOf(due, 1, { deadline_at: at(10) }), undefined);
    await store().save(sessionOf(later, 1, { deadline_at: at(50) }), undefined);
    await store().save(sessionOf(ended, 1, { deadline_at: at(10), state: 'MAINTENANCE_FAILED' }), undefined);
    const listed = await store().due(new Date(at(20)));
    expect(listed).toContain(due);
    expect(listed).not.toContain(later);
    expect(listed).not.toContain(ended);
    expect((await store().list()).map((s) => s.session_id)).toEqual(expect.arrayContaining([due, later, ended]));
  });

  it('keeps the outbox with the decision, and removes only the effects carried out', async () => {
    const id = unique('outbox');
    const notice = (n: number): OutboxEntry => ({
      id: `1.${n}`,
      effect: { type: 'enable-host', host: `compute-${n}` },
    });
    await store().save(sessionOf(id, 1), undefined, [notice(0), notice(1)]);
    await store().save(sessionOf(id, 2), 1, [notice(0), notice(1), { ...notice(2), id: '2.0' }]);
    await store().settle(id, ['1.0', '1.1']);
    expect((await store().load(id))?.outbox).toEqual([{ ...notice(2), id: '2.0' }]);
    expect(await store().get(id)).toMatchObject({ version: 2 });
  });

  it('lists a session as due at once while effects are left or moves awaited, and not once it ended with none', async () => {
    const [pending, draining, ended] = [unique('pending'), unique('draining'), unique('ended')];
    const effect: OutboxEntry = { id: '1.0', effect: { type: 'enable-host', host: 'compute-1' } };
    await store().save(sessionOf(pending, 1, { deadline_at: at(50) }), undefined, [effect]);
    await store().save(sessionOf(draining, 1, { waiting_for: 'DRAIN', deadline_at: at(50) }), undefined);
    await store().save(sessionOf(ended, 1, { state: 'MAINTENANCE_DONE' }), undefined, [effect]);
    expect(await store().due(new Date(at(20)))).toEqual(expect.arrayContaining([pending, draining, ended]));
    await store().settle(pending, ['1.0']);
    await store().settle(ended, ['1.0']);
    const due = await store().due(new Date(at(20)));
    expect(due).toContain(draining);
    expect(due).not.toContain(pending);
    expect(due).not.toContain(ended);
  });

  it('lets one runner at a time hold a session, until it releases it or its lease expires', async () => {
    const id = unique('lease');
    const now = new Date(at(0));
    expect(await store().claim(id, 'runner-1', now, new Date(at(60)))).toBe(true);
    expect(await store().claim(id, 'runner-2', now, new Date(at(60)))).toBe(false);
    expect(await store().claim(id, 'runner-1', now, new Date(at(90)))).toBe(true);
    await store().release(id, 'runner-2');
    expect(await store().claim(id, 'runner-2', new Date(at(61)), new Date(at(120)))).toBe(false);
    expect(await store().claim(id, 'runner-2', new Date(at(91)), new Date(at(150)))).toBe(true);
    await store().release(id, 'runner-2');
    expect(await store().claim(id, 'runner-3', now, new Date(at(60)))).toBe(true);
    expect((await store().list()).map((s) => s.session_id)).not.toContain(`lease#${id}`);
  });
});

describe('DynamoDbQuarantine (DynamoDB Local)', () => {
  it('keeps input of any size: a 1 MB payload in part, with its size and digest, instead of failing', async () => {
    // Prepare
    const quarantine = new DynamoDbQuarantine(awsClients().dynamo, config().quarantineTable);
    const payload = { cause: 'x'.repeat(1024 * 1024), marker: unique('marker') };

    // Act
    const id = await quarantine.put({
      source: 'compat-doctor',
      reason: 'too large',
      payload,
      receivedAt: new Date().toISOString(),
    });

    // Assess
    const { Item } = await awsClients().dynamo.send(
      new GetCommand({ TableName: config().quarantineTable, Key: { id } }),
    );
    expect(Item).toMatchObject({
      source: 'compat-doctor',
      reason: 'too large',
      payloadTruncated: true,
      payloadBytes: JSON.stringify(payload).length,
      payloadSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(String(Item?.payload).length).toBeLessThanOrEqual(64 * 1024);
  });
});
