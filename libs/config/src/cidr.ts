import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * One CIDR range (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1/32`), read as the http handler's target guard
 * reads it: the rule for HTTP_ALLOWED_TARGETS and for a namespace's own allowed ranges.
 */
export const cidrRange = z
  .string()
  .max(64)
  .refine((cidr) => ipaddr.isValidCIDR(cidr), { message: 'must be a CIDR range such as 10.0.0.0/8' });
