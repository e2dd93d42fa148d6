import { cidrRange } from '@meridian/config';
import { z } from 'zod';

/** The body of `PUT /v1/namespaces/:name/http-allowed-targets`. */
export const httpAllowedTargetsSchema = z.strictObject({
  ranges: z
    .array(cidrRange)
    .max(100)
    .describe('CIDR ranges of internal addresses the namespace may call, besides HTTP_ALLOWED_TARGETS; [] for none'),
});
export type HttpAllowedTargetsRequest = z.infer<typeof httpAllowedTargetsSchema>;

export const httpAllowedTargetsViewSchema = z.object({
  namespace: z.string(),
  own: z.array(z.string()).describe("The namespace's own ranges"),
  processWide: z.array(z.string()).describe('HTTP_ALLOWED_TARGETS, which every namespace may call'),
});
export type HttpAllowedTargetsView = z.infer<typeof httpAllowedTargetsViewSchema>;
