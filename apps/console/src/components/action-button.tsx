import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

import { ErrorNote } from './error-note.js';

interface ActionButtonProps {
  /** What the button says, e.g. "Cancel job". */
  label: string;
  /** Runs the action through the API; its failure is shown beside the button. */
  run: () => Promise<unknown>;
  /** Asks before running: the question, in a modal dialog with the action and "Keep". */
  confirm?: ComponentChildren;
  danger?: boolean;
  disabled?: boolean;
  onDone?: () => void;
}

/**
 * A button that calls the API once, shows that it is busy, and shows the API's problem when it is
 * refused. With `confirm` it first opens a native modal `<dialog>`: focus moves into it, Escape
 * closes it, and the destructive choice is never the one focused first.
 */
export function ActionButton({ label, run, confirm, danger = false, disabled = false, onDone }: ActionButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const act = async (): Promise<void> => {
    dialog.current?.close();
    setBusy(true);
    setError(undefined);
    try {
      await run();
      onDone?.();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <span class="action">
      <button
        type="button"
        class={danger ? 'danger' : undefined}
        disabled={disabled || busy}
        aria-busy={busy}
        onClick={() => (confirm === undefined ? void act() : dialog.current?.showModal())}
      >
        {busy ? `${label}…` : label}
      </button>
      {confirm !== undefined && (
        <dialog ref={dialog} aria-label={label}>
          <div class="dialog-body">{confirm}</div>
          <form method="dialog" class="dialog-actions">
            <button type="submit" autofocus>
              Keep
            </button>
            <button type="button" class={danger ? 'danger' : undefined} onClick={() => void act()}>
              {label}
            </button>
          </form>
        </dialog>
      )}
      <ErrorNote error={error} />
    </span>
  );
}
