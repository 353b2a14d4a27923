import { SOL003_FM_URI_PREFIX } from '../../contracts/sol003-fm';

/** The SOL 003 fault-management resources' URLs under the API's base URL, for `_links` and Location headers. */
export function vnffmLinks(apiUrl: string) {
  const root = `${apiUrl.replace(/\/$/, '')}${SOL003_FM_URI_PREFIX}`;
  return {
    alarms: `${root}/alarms`,
    alarm: (id: string) => `${root}/alarms/${encodeURIComponent(id)}`,
    subscriptions: `${root}/subscriptions`,
    subscription: (id: string) => `${root}/subscriptions/${encodeURIComponent(id)}`,
    /** The VIM has no VNF instance resource: an alarm's object is shown as the alarms raised on it. */
    objectAlarms: (managedObjectId: string) =>
      `${root}/alarms?filter=${encodeURIComponent(`(eq,managedObjectId,${managedObjectId})`)}`,
  };
}

export type VnffmLinks = ReturnType<typeof vnffmLinks>;
