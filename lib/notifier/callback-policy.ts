import { BlockList, isIP } from 'node:net';

/**
 * Where nfvi-doctor (or SNS on its behalf) may POST a tenant's notifications. A callback that
 * resolves to an address inside the operator's own networks (loopback, link-local such as the
 * instance metadata service at 169.254.169.254, private, carrier-grade NAT, unspecified,
 * multicast) would let a tenant make nfvi-doctor call into them: refused, unless the operator
 * allow-lists the range (a VNF manager on a private network of the operator's, the local stack).
 */
const INTERNAL: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'a private'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local'],
  ['172.16.0.0', 12, 'ipv4', 'a private'],
  ['192.168.0.0', 16, 'ipv4', 'a private'],
  ['224.0.0.0', 3, 'ipv4', 'a multicast or reserved'],
  ['::', 128, 'ipv6', 'an unspecified'],
  ['::1', 128, 'ipv6', 'a loopback'],
  ['fc00::', 7, 'ipv6', 'a unique local (private)'],
  ['fe80::', 10, 'ipv6', 'a link-local'],
  ['ff00::', 8, 'ipv6', 'a multicast'],
];

/** What is wrong with delivering to an http(s) callback URI, or undefined when nothing is. */
export async function callbackRefusalOf(
  callbackUri: string,
  policy: { allowed: BlockList; resolve(host: string): Promise<string[]> },
): Promise<string | undefined> {
  // An IPv6 literal comes in brackets: [::1].
  const host = new URL(callbackUri).hostname.replace(/^\[(.*)\]$/, '$1');
  return callbackRefusal(host, await policy.resolve(host), policy.allowed);
}

/** What is wrong with delivering to `addresses` (the callback host's), or undefined when nothing is. */
export function callbackRefusal(host: string, addresses: readonly string[], allowed: BlockList): string | undefined {
  if (addresses.length === 0) return `${host} does not resolve to any address`;
  for (const raw of addresses) {
    const address = unmapped(raw);
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (allowed.check(address, family)) continue;
    const internal = INTERNAL.find(([net, bits, f]) => {
      if (f !== family) return false;
      const one = new BlockList();
      one.addSubnet(net, bits, f);
      return one.check(address, family);
    });
    if (internal) {
      return `${host} resolves to ${address}, ${internal[3]} address: nfvi-doctor does not deliver into internal networks unless the operator allows the range (callbackAllowList)`;
    }
  }
  return undefined;
}

/**
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, or ::ffff:a9fe:a9fe as URLs write it) is the IPv4
 * address it maps: a callback must not reach 169.254.169.254 as [::ffff:169.254.169.254].
 */
function unmapped(address: string): string {
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(address)?.[1];
  if (!mapped || isIP(address) !== 6) return address;
  if (isIP(mapped) === 4) return mapped;
  const groups = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(mapped);
  if (!groups) return address;
  const [high, low] = [parseInt(groups[1] as string, 16), parseInt(groups[2] as string, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
