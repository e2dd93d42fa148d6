import { NAMESPACE_PATTERN, SCOPES, storable } from '@meridian/domain';
import { z } from 'zod';

/** The body of `POST /v1/keys`. */
export const createKeyRequestSchema = z.strictObject({
  name: storable(z.string().trim().min(1).max(200)).describe('What the key is for, for whoever reads the list'),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
  namespace: z
    .string()
    .regex(NAMESPACE_PATTERN, 'must be lower-case letters, digits or "-"')
    .optional()
    .describe("The key's namespace; another than the caller's own only with the bootstrap key"),
});
export type CreateKeyRequest = z.infer<typeof createKeyRequestSchema>;
