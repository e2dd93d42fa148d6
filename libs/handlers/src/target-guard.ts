import { lookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

import { type DeniedRange, deniedRangeOf, type IpAddress, parseAddress } from './deny-table.js';

/**
 * Decides whether a target may be called (see {@link TargetGuard}): `assertAllowed` judges each URL before
 * its request, and `dispatcher`, when given, makes the connections, judging the resolved addresses.
 */
export interface HttpTargetPolicy {
  assertAllowed(url: URL): Promise<void>;
  readonly dispatcher?: unknown;
}

/** A target policy for each namespace: the namespace's own allowed ranges may differ from another's. */
export interface HttpTargetPolicies {
  forNamespace(namespace: string): Promise<HttpTargetPolicy>;
}

/**
 * A request to an address the guard does not allow. Final: a retry would be refused the same way.
 * Its message names the address and is for the operator's log only: what a tenant reads says no more
 * than "not a public address", or an internal name's address would be one refused job away.
 */
export class ForbiddenTargetError extends Error {
  readonly code = 'forbidden_target';
  /** The deny table's entry that holds the address; null when there was no address to judge. */
  readonly range: DeniedRange | null;
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    const range = isIP(address) === 0 ? null : deniedRangeOf(parseAddress(address));
    super(
      `${host} resolves to ${address}, ${range === null ? 'not an address that may be called' : `in ${range.cidr}, ${range.reason}`}; ` +
        'allow it in HTTP_ALLOWED_TARGETS to call it',
    );
    this.name = 'ForbiddenTargetError';
    this.range = range;
  }
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * The SSRF guard of the `http` handler. An address in the deny table (deny-table.ts) is refused,
 * unless it is inside one of the allowed CIDR ranges. Literal addresses are judged before the
 * request; host names at connect time, on the addresses DNS actually gave, so a name that resolves
 * (or is rebound) to an internal address is refused too. The handler follows redirects itself, so
 * every hop passes both checks. The guard's connections are its own: a socket opened under one
 * allow-list is never reused under another.
 */
export class TargetGuard implements HttpTargetPolicy {
  readonly dispatcher: Agent;
  private readonly allowed: Range[];

  constructor(allowedCidrs: readonly string[] = []) {
    this.allowed = allowedCidrs.map((cidr) => ipaddr.parseCIDR(cidr));
    this.dispatcher = new Agent({ connect: { lookup: (host, options, done) => this.lookup(host, options, done) } });
  }

  /** Whether `address` may be called: outside the deny table, or inside an allowed range. */
  allows(address: string): boolean {
    const parsed = parseAddress(address);
    return this.isAllowed(parsed) || deniedRangeOf(parsed) === null;
  }

  assertAllowed(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !this.allows(host)) {
      return Promise.reject(new ForbiddenTargetError(url.hostname, host));
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  /** An IPv4-mapped address is inside the ranges that hold the IPv4 address it maps. */
  private isAllowed(address: IpAddress): boolean {
    const candidates =
      address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? [address, address.toIPv4Address()] : [address];
    return this.allowed.some((range) =>
      candidates.some((candidate) => candidate.kind() === range[0].kind() && candidate.match(range)),
    );
  }

  /** dns.lookup, keeping only the addresses the guard allows; none left is a ForbiddenTargetError. */
  private lookup(
    host: string,
    options: { family?: number | string; all?: boolean },
    done: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void {
    lookup(host, { all: true, family: Number(options.family ?? 0) }, (error, addresses) => {
      if (error !== null) {
        done(error, []);
        return;
      }
      const usable = addresses.filter((entry) => this.allows(entry.address));
      const [first] = usable;
      if (first === undefined) {
        done(new ForbiddenTargetError(host, addresses[0]?.address ?? 'no address'), []);
        return;
      }
      if (options.all === true) {
        done(null, usable);
      } else {
        done(null, first.address, first.family);
      }
    });
  }
}

const FORBIDDEN_MESSAGE = /^ForbiddenTargetError: (\S+) resolves to (\S+?),/;

/** The ForbiddenTargetError behind a failed fetch, if that is why it failed. */
export function forbiddenTargetIn(error: unknown): ForbiddenTargetError | null {
  // Walks plain objects, not `instanceof Error`: fetch's own errors may come from another realm.
  for (
    let current: unknown = error, depth = 0;
    typeof current === 'object' && current !== null && depth < 10;
    depth += 1
  ) {
    if (current instanceof ForbiddenTargetError) {
      return current;
    }
    // Some of fetch's paths keep only the message of the error a lookup failed with.
    const copied = FORBIDDEN_MESSAGE.exec((current as { message?: unknown }).message as string);
    if (copied !== null) {
      return new ForbiddenTargetError(copied[1] as string, copied[2] as string);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
