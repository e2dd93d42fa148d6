import { describe, expect, it } from '@jest/globals';

import { clientAddress } from './client-address.js';

describe(clientAddress.name, () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
    ['not-an-address', 'unknown'],
  ])('should count %s as %s', (ip, expected) => {
    expect(clientAddress(ip)).toBe(expected);
  });
});
