import { lookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

/**
 * Decides whether a target may be called (see {@link TargetGuard}): `assertAllowed` judges each URL before
 * its request, and `dispatcher`, when given, makes the connections, judging the resolved addresses.
 */
export interface HttpTargetPolicy {
  assertAllowed(url: URL): Promise<void>;
  readonly dispatcher?: unknown;
}

/** A request to an address the guard does not allow. Final: a retry would be refused the same way. */
export class ForbiddenTargetError extends Error {
  readonly code = 'forbidden_target';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${host} resolves to ${address}, a loopback, private, link-local or otherwise internal address; ` +
        'allow it in HTTP_ALLOWED_TARGETS to call it',
    );
    this.name = 'ForbiddenTargetError';
  }
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * The SSRF guard of the `http` handler. Only public unicast addresses may be called, unless an
 * address is inside one of the allowed CIDR ranges. Literal addresses are judged before the request;
 * host names at connect time, on the addresses DNS actually gave, so a name that resolves (or is
 * rebound) to an internal address is refused too. The handler follows redirects itself, so every hop
 * passes both checks.
 */
export class TargetGuard implements HttpTargetPolicy {
  readonly dispatcher: Agent;
  private readonly allowed: Range[];

  constructor(allowedCidrs: readonly string[] = []) {
    this.allowed = allowedCidrs.map((cidr) => ipaddr.parseCIDR(cidr));
    this.dispatcher = new Agent({ connect: { lookup: (host, options, done) => this.lookup(host, options, done) } });
  }

  /** Whether `address` may be called: public unicast, or inside an allowed range. */
  allows(address: string): boolean {
    let parsed = ipaddr.parse(address);
    if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) {
      parsed = parsed.toIPv4Address();
    }
    if (this.allowed.some((range) => parsed.kind() === range[0].kind() && parsed.match(range))) {
      return true;
    }
    return parsed.range() === 'unicast';
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
