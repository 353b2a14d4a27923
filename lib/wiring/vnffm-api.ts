import { resolveHost } from '../adapters/dns/dns-resolver';
import { DynamoDbAlarmViews } from '../adapters/dynamodb/dynamodb-alarm-views';
import { DynamoDbCallbackSubscriptions } from '../adapters/dynamodb/dynamodb-callback-subscriptions';
import { HttpCallbacks } from '../adapters/http/http-callbacks';
import { TenantTopics } from '../adapters/sns/tenant-topics';
import { VnffmAlarms } from '../notifier/vnffm/vnffm-alarms';
import { vnffmLinks } from '../notifier/vnffm/vnffm-links';
import { VnffmSubscriptions } from '../notifier/vnffm/vnffm-subscriptions';
import { awsClients } from '../platform/aws-clients';
import { allowListOf } from '../platform/cidr';
import { config } from '../platform/config';
import { dispatcherRouting } from './dispatcher-routing';

let deps: { alarms: VnffmAlarms; subscriptions: VnffmSubscriptions } | undefined;

/** The SOL 003 binding's use cases on their adapters, wired once per container. */
export function vnffmApi() {
  if (deps) return deps;
  const cfg = config();
  const { dynamo, sns } = awsClients();
  const links = vnffmLinks(cfg.maintenance.apiUrl);
  const routing = dispatcherRouting(
    cfg,
    sns,
    new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix, cfg.topicKmsKey),
  );
  deps = {
    alarms: new VnffmAlarms(new DynamoDbAlarmViews(dynamo, cfg.alarmViewsTable, cfg.alarmRetentionDays), {
      adminProjectId: cfg.adminProjectId,
      links,
      pageSize: cfg.callbacks.pageSize,
    }),
    subscriptions: new VnffmSubscriptions(
      new DynamoDbCallbackSubscriptions(dynamo, cfg.callbacks.subscriptionsTable),
      new HttpCallbacks(cfg.callbacks.timeoutMs),
      routing,
      {
        adminProjectId: cfg.adminProjectId,
        links,
        pageSize: cfg.callbacks.pageSize,
        callbacks: { allowed: allowListOf(cfg.callbackAllowList), resolve: resolveHost },
      },
    ),
  };
  return deps;
}
