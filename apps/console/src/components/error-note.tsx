import { describeError } from '../api/session.js';

/** A failed read or action, said in the problem's own words; announced to screen readers. */
export function ErrorNote({ error }: { error: unknown }): preact.JSX.Element | null {
  if (error === undefined || error === null) {
    return null;
  }
  return (
    <p class="error-note" role="alert">
      {describeError(error)}
    </p>
  );
}

export function Loading({ what }: { what: string }): preact.JSX.Element {
  return (
    <p class="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}
