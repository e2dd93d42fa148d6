import ipaddr from 'ipaddr.js';

/**
 * Whom the per-address limits count a request against: its client's IPv4 address, or the /64 of its
 * IPv6 address (one host or one customer usually holds a whole /64, and could otherwise walk it to
 * escape the limits). `ip` is Express's `request.ip`, which names the client behind the proxies of
 * API_TRUST_PROXY and is the connecting address otherwise.
 */
export function clientAddress(ip: string | undefined): string {
  if (ip === undefined || !ipaddr.isValid(ip)) {
    return 'unknown';
  }
  // An IPv4 client of a dual-stack socket arrives as ::ffff:a.b.c.d.
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') {
    return address.toString();
  }
  const groups = address.toNormalizedString().split(':').slice(0, 4);
  return `${groups.join(':')}::/64`;
}
