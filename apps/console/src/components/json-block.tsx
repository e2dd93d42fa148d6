import { formatJson } from '../format.js';

export function JsonBlock({ value, label }: { value: unknown; label: string }): preact.JSX.Element {
  return (
    <pre class="json" aria-label={label} tabIndex={0}>
      {formatJson(value)}
    </pre>
  );
}
