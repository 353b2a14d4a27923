/** One interface's link state as the kernel reports it. */
export interface LinkReading {
  interface: string;
  state: 'up' | 'down';
  carrier: boolean;
}

// `ip -o monitor link` prints one line per RTM_NEWLINK/RTM_DELLINK:
//   "3: veth1@veth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... state UP ..."
//   "Deleted 4: veth0@NONE: <BROADCAST,MULTICAST> mtu 1500 ... state DOWN ..."
const LINE = /^(Deleted )?\d+: ([^:@\s]+)(?:@[^:\s]+)?: <([^>]*)>(?:.*?\bstate (\S+))?/;

/**
 * Parses one line of `ip -o monitor link` (iproute2). The link is up when it is
 * administratively up and has a carrier (LOWER_UP without NO-CARRIER): exactly when the
 * kernel would pass traffic. A deleted interface is down. Other lines yield undefined.
 */
export function parseIpMonitorLine(line: string): LinkReading | undefined {
  const match = LINE.exec(line.trim());
  if (!match) return undefined;
  const [, deleted, name, flagList, operState] = match;
  if (!name) return undefined;
  if (deleted) return { interface: name, state: 'down', carrier: false };
  const flags = new Set((flagList ?? '').split(','));
  const carrier = flags.has('LOWER_UP') && !flags.has('NO-CARRIER');
  const operUp = operState === undefined || operState === 'UP' || operState === 'UNKNOWN';
  return { interface: name, state: flags.has('UP') && carrier && operUp ? 'up' : 'down', carrier };
}

const IFF_UP = 0x1;

/**
 * The same reading from /sys/class/net/<if>: operstate, carrier (unreadable while the link is
 * administratively down) and flags. Used for the snapshot taken before monitoring starts.
 */
export function linkFromSysfs(
  name: string,
  files: { operstate?: string; carrier?: string; flags?: string },
): LinkReading {
  const adminUp = files.flags !== undefined && (Number.parseInt(files.flags.trim(), 16) & IFF_UP) !== 0;
  const carrier = files.carrier?.trim() === '1';
  const operstate = files.operstate?.trim();
  const operUp = operstate === 'up' || operstate === 'unknown';
  return { interface: name, state: adminUp && carrier && operUp ? 'up' : 'down', carrier };
}
