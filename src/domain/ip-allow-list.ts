// Per-API-key IP allow-lists: CIDR blocks (`203.0.113.0/24`, `2001:db8::/32`) or bare addresses,
// written the strict way only (`127.1` or `0x7f000001` are not addresses here). Matching uses
// node's BlockList; an IPv4 caller seen on a dual-stack socket as `::ffff:a.b.c.d` is matched as
// the IPv4 address it is.
import { BlockList, isIP } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The CIDR in canonical spelling (`10.0.0.0/8`, a bare address gets /32 or /128), or null if it is not one. */
export function normalizeCidr(text: string): string | null {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const digits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(digits)) return null;
    prefix = Number(digits);
    if (prefix > max) return null;
  }
  return `${address.toLowerCase()}/${prefix}`;
}

/** A caller address as matched: the zone dropped, IPv4-mapped IPv6 turned back into IPv4. */
export function normalizeIp(ip: string): string {
  const bare = ip.split('%')[0] ?? ip;
  return MAPPED_V4.exec(bare)?.[1] ?? bare;
}

export class IpAllowList {
  private readonly blocks = new BlockList();

  /** An entry that is not a CIDR (say, edited into the database by hand) matches nothing: fail closed. */
  constructor(cidrs: readonly string[]) {
    for (const entry of cidrs) {
      const cidr = normalizeCidr(entry);
      if (cidr === null) continue;
      const [address = '', prefix = ''] = cidr.split('/');
      this.blocks.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
    }
  }

  allows(ip: string): boolean {
    const address = normalizeIp(ip);
    const family = isIP(address);
    if (family === 0) return false;
    return this.blocks.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
