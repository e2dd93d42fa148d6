import ipaddr from 'ipaddr.js';

/** A range the http handler never calls unless an operator allows it, and why. */
export interface DeniedRange {
  readonly cidr: string;
  readonly reason: string;
}

/**
 * Every address range the http handler refuses, in one place. It holds each entry of the IANA IPv4
 * and IPv6 Special-Purpose Address Registries that is not globally reachable, the rest of the IPv6
 * space outside global unicast, and the well-known addresses of cloud hosts (metadata services and
 * host endpoints, some of them public addresses reachable only from inside the cloud). A few
 * registry entries that are globally reachable are denied as well: they are protocol services
 * (AS112 DNS sinks, AMT relays, anycast for PCP and TURN), never a webhook receiver, and were
 * refused before the table existed. The README's deny table lists the same rows; a test holds them
 * to one address each.
 */
export const DENY_TABLE: readonly DeniedRange[] = [
  // IPv4 Special-Purpose Address Registry
  { cidr: '0.0.0.0/8', reason: '"this network" (RFC 791); 0.0.0.0 reaches the local host' },
  { cidr: '10.0.0.0/8', reason: 'private-use (RFC 1918)' },
  { cidr: '100.64.0.0/10', reason: 'shared address space, carrier-grade NAT (RFC 6598)' },
  { cidr: '127.0.0.0/8', reason: 'loopback (RFC 1122)' },
  { cidr: '169.254.0.0/16', reason: 'link-local (RFC 3927)' },
  { cidr: '172.16.0.0/12', reason: 'private-use (RFC 1918)' },
  {
    cidr: '192.0.0.0/24',
    reason: 'IETF protocol assignments (RFC 6890): DS-Lite, NAT64 discovery, PCP and TURN anycast',
  },
  { cidr: '192.0.2.0/24', reason: 'documentation, TEST-NET-1 (RFC 5737)' },
  { cidr: '192.31.196.0/24', reason: 'AS112 DNS sink (RFC 7535), a protocol service' },
  { cidr: '192.52.193.0/24', reason: 'AMT relays (RFC 7450), a protocol service' },
  { cidr: '192.88.99.0/24', reason: 'deprecated 6to4 relay anycast (RFC 7526)' },
  { cidr: '192.168.0.0/16', reason: 'private-use (RFC 1918)' },
  { cidr: '192.175.48.0/24', reason: 'AS112 DNS sink, direct delegation (RFC 7534), a protocol service' },
  { cidr: '198.18.0.0/15', reason: 'benchmarking (RFC 2544)' },
  { cidr: '198.51.100.0/24', reason: 'documentation, TEST-NET-2 (RFC 5737)' },
  { cidr: '203.0.113.0/24', reason: 'documentation, TEST-NET-3 (RFC 5737)' },
  { cidr: '224.0.0.0/4', reason: 'multicast (RFC 5771)' },
  { cidr: '240.0.0.0/4', reason: 'reserved (RFC 1112)' },
  { cidr: '255.255.255.255/32', reason: 'limited broadcast (RFC 919)' },

  // Cloud hosts, IPv4
  { cidr: '100.100.100.200/32', reason: 'Alibaba Cloud instance metadata' },
  { cidr: '168.63.129.16/32', reason: "Azure's host endpoint (WireServer: DNS, DHCP, health probes, VM agent)" },
  {
    cidr: '169.254.169.254/32',
    reason: 'instance metadata (AWS, Google Cloud, Azure, Oracle Cloud, DigitalOcean, OpenStack)',
  },
  { cidr: '169.254.170.2/32', reason: 'AWS ECS task metadata and credentials' },
  { cidr: '169.254.170.23/32', reason: 'AWS EKS Pod Identity credentials' },
  { cidr: '192.0.0.192/32', reason: 'Oracle Cloud instance metadata (legacy)' },

  // IPv6 Special-Purpose Address Registry, and IPv6 space that is not global unicast
  { cidr: '::/128', reason: 'unspecified (RFC 4291)' },
  { cidr: '::1/128', reason: 'loopback (RFC 4291)' },
  { cidr: '::/96', reason: 'IPv4-compatible, deprecated (RFC 4291): ::a.b.c.d reaches a.b.c.d' },
  { cidr: '::ffff:0:0/96', reason: 'IPv4-mapped (RFC 4291): reaches the IPv4 address it holds' },
  { cidr: '::ffff:0:0:0/96', reason: 'IPv4-translated (RFC 6145): reaches the IPv4 address it holds' },
  {
    cidr: '64:ff9b::/96',
    reason: 'NAT64 (RFC 6052): reaches the IPv4 address it holds, through a translator that may be inside',
  },
  { cidr: '64:ff9b:1::/48', reason: 'local-use NAT64 (RFC 8215)' },
  { cidr: '100::/64', reason: 'discard-only (RFC 6666)' },
  { cidr: '100:0:0:1::/64', reason: 'dummy prefix (RFC 9780)' },
  {
    cidr: '2001::/23',
    reason: 'IETF protocol assignments (RFC 2928): Teredo, benchmarking, ORCHID, AMT, AS112, protocol anycast',
  },
  { cidr: '2001:db8::/32', reason: 'documentation (RFC 3849)' },
  { cidr: '2002::/16', reason: '6to4 (RFC 3056): reaches the IPv4 address it holds, through a relay' },
  { cidr: '2620:4f:8000::/48', reason: 'AS112 DNS sink, direct delegation (RFC 7534), a protocol service' },
  { cidr: '3fff::/20', reason: 'documentation (RFC 9637)' },
  { cidr: '5f00::/16', reason: 'segment routing SIDs (RFC 9602)' },
  { cidr: 'fc00::/7', reason: 'unique-local (RFC 4193)' },
  { cidr: 'fe80::/10', reason: 'link-local (RFC 4291)' },
  { cidr: 'fec0::/10', reason: 'site-local, deprecated (RFC 3879) but still routed inside some networks' },
  { cidr: 'ff00::/8', reason: 'multicast (RFC 4291)' },
  { cidr: '::/3', reason: 'outside 2000::/3, the only IPv6 space allocated for global unicast' },
  { cidr: '4000::/2', reason: 'outside 2000::/3, the only IPv6 space allocated for global unicast' },
  { cidr: '8000::/1', reason: 'outside 2000::/3, the only IPv6 space allocated for global unicast' },

  // Cloud hosts, IPv6
  { cidr: 'fd00:ec2::254/128', reason: 'AWS instance metadata' },
  { cidr: 'fd00:ec2::23/128', reason: 'AWS EKS Pod Identity credentials' },
  { cidr: 'fd20:ce::254/128', reason: 'Google Cloud instance metadata' },
];

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

const parsedTable = DENY_TABLE.map((entry) => ({ entry, range: ipaddr.parseCIDR(entry.cidr) }));

/** The most specific entry of the deny table that holds `address`, or null when none does. */
export function deniedRangeOf(address: IpAddress): DeniedRange | null {
  let found: { entry: DeniedRange; bits: number } | null = null;
  for (const { entry, range } of parsedTable) {
    if (address.kind() === range[0].kind() && address.match(range) && (found === null || range[1] > found.bits)) {
      found = { entry, bits: range[1] };
    }
  }
  return found?.entry ?? null;
}

/** `::a.b.c.d` with a dotted IPv4 tail, as resolvers print IPv4-compatible and -mapped addresses. */
const DOTTED_TAIL = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses an IPv4 or IPv6 address. ipaddr.js reads `::a.b.c.d` (IPv4-compatible) as `::ffff:a.b.c.d`
 * (IPv4-mapped), which are different addresses, so a dotted tail is spelled in hex first.
 */
export function parseAddress(address: string): IpAddress {
  const dotted = DOTTED_TAIL.exec(address);
  if (dotted === null) {
    return ipaddr.parse(address);
  }
  const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
  if ([a, b, c, d].some((octet) => octet > 255)) {
    return ipaddr.parse(address);
  }
  const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
  return ipaddr.parse(`${dotted[1]}${hex(a, b)}:${hex(c, d)}`);
}
