import type { ApiKey, CreatedApiKey } from '@meridian/client';

import { renderDetails, renderTable } from './table.js';
import { formatInstant } from './time-format.js';

/** The keys of the namespace, revoked ones included; never a secret. */
export function renderKeysTable(keys: readonly ApiKey[]): string {
  if (keys.length === 0) {
    return 'No keys.';
  }
  return renderTable(
    ['id', 'name', 'namespace', 'scopes', 'created by', 'created', 'revoked'],
    keys.map((key) => [
      key.id,
      key.name,
      key.namespace,
      key.scopes.join(','),
      key.createdBy,
      formatInstant(key.createdAt),
      formatInstant(key.revokedAt),
    ]),
  );
}

/** A key just made, with its secret: the one time the API shows it. */
export function renderCreatedKey(key: CreatedApiKey): string {
  return renderDetails([
    ['Key', key.key],
    ['Id', key.id],
    ['Name', key.name],
    ['Namespace', key.namespace],
    ['Scopes', key.scopes.join(', ')],
  ]);
}
