import type { ExecutionStatus } from '@meridian/client/browser';

/** An execution status as a labelled badge: the text says it, the colour only helps. */
export function StatusBadge({ status }: { status: string }): preact.JSX.Element {
  return <span class={`badge status-${status.toLowerCase()}`}>{status}</span>;
}

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'BLOCKED',
  'PENDING',
  'QUEUED',
  'RUNNING',
  'RETRYING',
  'SUCCEEDED',
  'DEAD',
  'CANCELLED',
  'SKIPPED',
];

const FINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'DEAD', 'CANCELLED', 'SKIPPED']);

export function isFinal(status: string): boolean {
  return FINAL.has(status);
}
