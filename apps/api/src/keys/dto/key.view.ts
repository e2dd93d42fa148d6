import type { ApiKeyRecord } from '@meridian/db';
import { SCOPES } from '@meridian/domain';
import { z } from 'zod';

/** An API key as the API shows it: never its secret. */
export const keyViewSchema = z.object({
  id: z.uuid(),
  namespace: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  createdBy: z.string().describe('The id of the key that created it, or how it was made (bootstrap, cli)'),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});

export const keyListViewSchema = z.object({ items: z.array(keyViewSchema) });

export function toKeyView(key: ApiKeyRecord): z.infer<typeof keyViewSchema> {
  return { ...key, createdAt: key.createdAt.toISOString(), revokedAt: key.revokedAt?.toISOString() ?? null };
}

/** A key just created: the only answer that holds the key itself. */
export const createdKeyViewSchema = keyViewSchema.extend({
  key: z.string().describe('The key itself: shown this once'),
});
export type CreatedKeyView = z.infer<typeof createdKeyViewSchema>;
