import { randomUUID } from 'node:crypto';
import { generate } from 'selfsigned';
import { signSnsMessage, snsSigningIdentity } from '../../infra/local/sns-signing';
import { localApiUrl } from '../../lib/platform/local-stack/local-endpoints';
import { localSnsCertificateAgent } from '../../lib/platform/local-stack/local-sns-certificate';
import { ExampleVnfManager, type VnfManagerEvent } from '../sample-vnfm/example-vnf-manager';
import { localCloud } from '../support/openstack';
import { createWorld, waitUntil, type World } from '../support/world';

const switchOvers = (events: readonly VnfManagerEvent[]) =>
  events.flatMap((e) => (e.kind === 'handled' && e.handled.outcome === 'switched-over' ? [e] : []));

/**
 * The example VNF manager against the local stack: subscribed through the fault API with its
 * own project's token, receiving signed SNS deliveries through the consumer kit, it switches
 * its active/standby pair over when the host under the active instance fails.
 */
describe('Example active/standby VNF manager (consumer kit, subscription API)', () => {
  let world: World;
  let vnfm: ExampleVnfManager;
  let tenantA: string;
  const pair = () => ({ active: `mme-active-${world.id}`, standby: `mme-standby-${world.id}` });

  beforeAll(async () => {
    const cloud = localCloud();
    tenantA = cloud.projectId('tenant-a');
    world = await createWorld(
      {
        'active-host': [{ name: 'mme-active', tenant: 'a' }],
        'standby-host': [{ name: 'mme-standby', tenant: 'a' }],
      },
      [],
      { a: tenantA },
    );
    vnfm = await ExampleVnfManager.start({
      apiUrl: localApiUrl(),
      projectId: tenantA,
      token: () => cloud.memberToken('tenant-a'),
      pair: pair(),
      requestAgent: localSnsCertificateAgent(),
    });
  });

  afterAll(async () => {
    await vnfm.close();
    await world.close();
  });

  it('switches over to the standby when the host under its active instance fails', async () => {
    // Act
    const sentAt = await world.injector.put([world.injector.link(world.host('active-host'), 'down')]);

    // Assess
    await waitUntil(() => switchOvers(vnfm.events).length === 1, 'the switch-over', 15_000);
    const [switched] = switchOvers(vnfm.events);
    expect(switched?.handled).toMatchObject({ from: pair().active, to: pair().standby });
    expect(switched?.at).toBeGreaterThanOrEqual(sentAt);
    expect([vnfm.manager.active, vnfm.manager.standby]).toEqual([pair().standby, pair().active]);
    // Every delivery passed the kit's signature check: none was rejected.
    expect(vnfm.events.filter((e) => e.kind === 'rejected')).toEqual([]);
  });

  it('rejects forged deliveries (unsigned, or signed by another key) and does not act on them', async () => {
    // Prepare: a forged alarm on the instance now active, as if its host had failed too.
    const identity = await snsSigningIdentity();
    const topicArn = world.topics.get(tenantA) as string;
    const message = {
      Type: 'Notification' as const,
      MessageId: randomUUID(),
      TopicArn: topicArn,
      Message: JSON.stringify({
        id: randomUUID(),
        notificationType: 'AlarmNotification',
        alarm: { managedObjectId: pair().standby },
      }),
      Timestamp: new Date().toISOString(),
    };
    const otherKey = await generate([{ name: 'commonName', value: 'attacker.example' }], { keySize: 2048 });
    const post = (body: object) =>
      fetch(vnfm.url, {
        method: 'POST',
        headers: { 'x-amz-sns-message-type': 'Notification', 'Content-Type': 'text/plain; charset=UTF-8' },
        body: JSON.stringify(body),
      });
    const base = { ...message, SigningCertURL: identity.certificateUrl };

    // Act
    const unsigned = await post({ ...base, SignatureVersion: '1', Signature: 'EXAMPLE' });
    const badlySigned = await post({ ...base, ...signSnsMessage(message, otherKey.private) });
    const tampered = await post({
      ...base,
      ...signSnsMessage(message, identity.privateKeyPem),
      Message: message.Message.replace('AlarmNotification', 'AlarmClearedNotification'),
    });

    // Assess
    expect([unsigned.status, badlySigned.status, tampered.status]).toEqual([403, 403, 403]);
    expect(vnfm.events.filter((e) => e.kind === 'rejected')).toHaveLength(3);
    expect(vnfm.manager.active).toBe(pair().standby);
    expect(switchOvers(vnfm.events)).toHaveLength(1);
  });

  it('accepts a delivery correctly signed by the local SNS key, so the rejections above were the signatures', async () => {
    const identity = await snsSigningIdentity();
    const message = {
      Type: 'Notification' as const,
      MessageId: randomUUID(),
      TopicArn: world.topics.get(tenantA) as string,
      Message: JSON.stringify({ note: 'not a notification nfvi-doctor sends' }),
      Timestamp: new Date().toISOString(),
    };
    const response = await fetch(vnfm.url, {
      method: 'POST',
      headers: { 'x-amz-sns-message-type': 'Notification' },
      body: JSON.stringify({
        ...message,
        SigningCertURL: identity.certificateUrl,
        ...signSnsMessage(message, identity.privateKeyPem),
      }),
    });
    expect(response.status).toBe(200);
    expect(vnfm.events.at(-1)).toMatchObject({ kind: 'handled', handled: { outcome: 'ignored' } });
  });
});
