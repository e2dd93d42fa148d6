import { useState } from 'preact/hooks';

interface SignInPageProps {
  /** Answers null when the key was taken, else why not. */
  onSignIn: (apiKey: string) => Promise<string | null>;
}

/** Asks for an API key of the namespace; the key stays in this tab's memory only. */
export function SignInPage({ onSignIn }: SignInPageProps): preact.JSX.Element {
  const [key, setKey] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setRefusal(await onSignIn(key.trim()));
    setBusy(false);
  };

  return (
    <main class="sign-in" id="main">
      <h1>Meridian console</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="mk_…"
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          aria-describedby="api-key-help"
          aria-invalid={refusal !== null}
        />
        <p id="api-key-help" class="muted">
          A key of your namespace with at least <code>jobs:read</code> (actions need <code>jobs:write</code>). It is
          kept in this tab&apos;s memory only: reloading or closing the tab signs out.
        </p>
        {refusal !== null && (
          <p class="error-note" role="alert">
            {refusal}
          </p>
        )}
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
