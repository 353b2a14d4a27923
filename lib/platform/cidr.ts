import { BlockList, isIP } from 'node:net';

/** The operator's allow-list: CIDRs (10.20.0.0/16, ::1/128) whose addresses callbacks may use. */
export function allowListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address as string, Number(bits ?? (family === 'ipv6' ? 128 : 32)), family);
  }
  return list;
}

/** Whether a string is a CIDR the allow-list takes. */
export const isCidr = (cidr: string): boolean => {
  const [address, bits] = cidr.split('/');
  const family = isIP(address ?? '');
  const max = family === 6 ? 128 : 32;
  return family !== 0 && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= max));
};
