import { Command } from 'commander';
import type { TenantResources } from '../../adapters/sns/tenant-resources';
import { withAws } from './aws-failure';
import { UsageError } from './cli-error';
import type { CommandKit } from './command-kit';
import { print, table, time } from './render';
import { readSettings } from './settings';

const resourcesText = (r: TenantResources) =>
  [
    r.topicArn ? `topic ${r.topicArn} (created ${time(r.createdAt)})` : `no topic for tenant ${r.tenantId}`,
    r.topicSubscriptions.length === 0
      ? 'no subscriptions on the topic'
      : table(
          ['subscription', 'protocol', 'endpoint'],
          r.topicSubscriptions.map((s) => [s.subscriptionArn.split(':').pop(), s.protocol, s.endpoint]),
        ),
    `${r.apiSubscriptions.length} subscriptions made through the fault API`,
  ].join('\n');

/**
 * `nfvi-doctor tenants show|remove <tenantId>`: the notification resources nfvi-doctor keeps
 * for a tenant outside the stack (its SNS topic and the topic's subscriptions, the fault API's
 * records of them), listed, and removed when the tenant leaves.
 */
export function tenantsCommand({ context, globals, output }: CommandKit): Command {
  const resources = (command: Command) => {
    const local = globals(command).local === true;
    const { stage } = readSettings(context.env, local, ['stage']);
    return { stage, tenants: context.adapters.tenants({ stage, local }) };
  };
  const command = new Command('tenants').description("a tenant's notification topic and subscriptions");
  command
    .command('show')
    .description("the tenant's topic, its subscriptions, and the fault API's records of them")
    .argument('<tenantId>', 'the Keystone project id')
    .action(async (tenantId: string, _options, sub: Command) => {
      const { stage, tenants } = resources(sub);
      const found = await withAws(`the tenants of stage ${stage}`, () => tenants.show(tenantId));
      print(output(sub), found, resourcesText);
    });
  command
    .command('remove')
    .description("remove the tenant's topic (with its subscriptions) and records, once the tenant has left")
    .argument('<tenantId>', 'the Keystone project id')
    .option('--yes', 'really remove them')
    .action(async (tenantId: string, options: { yes?: boolean }, sub: Command) => {
      if (options.yes !== true)
        throw new UsageError(
          `this removes the notification topic of tenant ${tenantId} and every subscription to it: add --yes`,
        );
      const { stage, tenants } = resources(sub);
      const removed = await withAws(`the tenants of stage ${stage}`, () => tenants.remove(tenantId));
      print(output(sub), removed, (r) =>
        r.topicArn
          ? `removed ${r.topicArn}, ${r.topicSubscriptions.length} topic subscriptions and ${r.apiSubscriptions.length} API records`
          : `nothing to remove for tenant ${r.tenantId} (no topic recorded); ${r.apiSubscriptions.length} API records removed`,
      );
    });
  return command;
}
