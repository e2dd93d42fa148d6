import { afterAll, describe, expect, it } from '@jest/globals';
import ipaddr from 'ipaddr.js';

import { deniedRangeOf, DENY_TABLE, parseAddress } from './deny-table.js';
import { TargetGuard } from './target-guard.js';

/** One address in each entry of the deny table, and the entry that must refuse it. */
const ROWS: Array<[address: string, cidr: string]> = [
  ['0.1.2.3', '0.0.0.0/8'],
  ['10.1.2.3', '10.0.0.0/8'],
  ['100.127.255.254', '100.64.0.0/10'],
  ['127.8.9.10', '127.0.0.0/8'],
  ['169.254.1.1', '169.254.0.0/16'],
  ['172.31.255.255', '172.16.0.0/12'],
  ['192.0.0.9', '192.0.0.0/24'],
  ['192.0.2.10', '192.0.2.0/24'],
  ['192.31.196.1', '192.31.196.0/24'],
  ['192.52.193.1', '192.52.193.0/24'],
  ['192.88.99.1', '192.88.99.0/24'],
  ['192.168.0.1', '192.168.0.0/16'],
  ['192.175.48.6', '192.175.48.0/24'],
  ['198.19.255.1', '198.18.0.0/15'],
  ['198.51.100.7', '198.51.100.0/24'],
  ['203.0.113.9', '203.0.113.0/24'],
  ['239.255.255.250', '224.0.0.0/4'],
  ['240.0.0.1', '240.0.0.0/4'],
  ['255.255.255.255', '255.255.255.255/32'],
  ['100.100.100.200', '100.100.100.200/32'],
  ['168.63.129.16', '168.63.129.16/32'],
  ['169.254.169.254', '169.254.169.254/32'],
  ['169.254.170.2', '169.254.170.2/32'],
  ['169.254.170.23', '169.254.170.23/32'],
  ['192.0.0.192', '192.0.0.192/32'],
  ['::', '::/128'],
  ['::1', '::1/128'],
  ['::8.8.8.8', '::/96'],
  ['::808:808', '::/96'],
  ['::127.0.0.1', '::/96'],
  ['::ffff:8.8.8.8', '::ffff:0:0/96'],
  ['::ffff:0:a00:1', '::ffff:0:0:0/96'],
  ['64:ff9b::8.8.8.8', '64:ff9b::/96'],
  ['64:ff9b:1::a00:1', '64:ff9b:1::/48'],
  ['100::1', '100::/64'],
  ['100:0:0:1::1', '100:0:0:1::/64'],
  ['2001::1', '2001::/23'],
  ['2001:1::1', '2001::/23'],
  ['2001:db8::1', '2001:db8::/32'],
  ['2002:a00:1::1', '2002::/16'],
  ['2620:4f:8000::1', '2620:4f:8000::/48'],
  ['3fff::1', '3fff::/20'],
  ['5f00::1', '5f00::/16'],
  ['fd12:3456::1', 'fc00::/7'],
  ['fe80::1', 'fe80::/10'],
  ['fec0::1', 'fec0::/10'],
  ['ff02::1', 'ff00::/8'],
  ['1000::1', '::/3'],
  ['4000::1', '4000::/2'],
  ['c000::1', '8000::/1'],
  ['fd00:ec2::254', 'fd00:ec2::254/128'],
  ['fd00:ec2::23', 'fd00:ec2::23/128'],
  ['fd20:ce::254', 'fd20:ce::254/128'],
];

describe('the deny table', () => {
  const guard = new TargetGuard();
  afterAll(() => guard.close());

  it.each(ROWS)('should refuse %s, by the entry %s', (address, cidr) => {
    expect(guard.allows(address)).toBe(false);
    expect(deniedRangeOf(parseAddress(address))?.cidr).toBe(cidr);
  });

  it('should have an address of every entry above, and only of its entries', () => {
    expect([...new Set(ROWS.map(([, cidr]) => cidr))].sort()).toEqual(DENY_TABLE.map((entry) => entry.cidr).sort());
  });

  it('should give every entry a valid CIDR and a reason, once', () => {
    for (const entry of DENY_TABLE) {
      expect(ipaddr.isValidCIDR(entry.cidr)).toBe(true);
      expect(entry.reason.length).toBeGreaterThan(10);
    }
    expect(new Set(DENY_TABLE.map((entry) => entry.cidr)).size).toBe(DENY_TABLE.length);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '168.63.129.17',
    '100.128.0.1',
    '2001:4860:4860::8888',
    '2606:4700:4700::1111',
    '2a00:1450:4001::1',
  ])('should allow the public address %s', (address) => {
    expect(guard.allows(address)).toBe(true);
    expect(deniedRangeOf(parseAddress(address))).toBeNull();
  });

  it('should still refuse every range that ipaddr.js calls other than unicast', () => {
    type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
    const special = (kind: ipaddr.IPv4 | ipaddr.IPv6): Range[] =>
      Object.values((kind as unknown as { SpecialRanges: Record<string, Range | Range[]> }).SpecialRanges).flatMap(
        (ranges): Range[] => (Array.isArray(ranges[0]) ? (ranges as Range[]) : [ranges as Range]),
      );
    const ranges = [...special(ipaddr.IPv4.prototype), ...special(ipaddr.IPv6.prototype)];
    expect(ranges.length).toBeGreaterThan(20);
    for (const [network, bits] of ranges) {
      const address = network.toString();
      expect({ address: `${address}/${bits}`, allowed: guard.allows(address) }).toEqual({
        address: `${address}/${bits}`,
        allowed: false,
      });
    }
  });

  describe(parseAddress.name, () => {
    it('should read ::a.b.c.d as IPv4-compatible, not as IPv4-mapped', () => {
      expect(parseAddress('::8.8.8.8').toNormalizedString()).toBe('0:0:0:0:0:0:808:808');
      expect(parseAddress('::ffff:8.8.8.8').toNormalizedString()).toBe('0:0:0:0:0:ffff:808:808');
      expect(parseAddress('10.0.0.1').toString()).toBe('10.0.0.1');
    });
  });
});
