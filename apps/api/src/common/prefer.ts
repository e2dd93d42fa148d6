import type { Response } from 'express';

/** How a create answers: the whole resource (the default), or its id and status only. */
export type ReturnPreference = 'minimal' | 'representation';

/**
 * The preferences of an RFC 7240 `Prefer` header (several headers arrive joined by commas), by name in
 * lower case, each with its value ('' when it has none). Names are case-insensitive, white space
 * around `=`, `,` and `;` is optional, values may be quoted strings, and only the first instance of
 * a name counts (RFC 7240 §2). Parameters after `;` are dropped: no preference honoured here has any.
 */
export function parsePrefer(header: string | undefined): Map<string, string> {
  const preferences = new Map<string, string>();
  for (const element of splitOutsideQuotes(header ?? '', ',')) {
    const [preference = ''] = splitOutsideQuotes(element, ';');
    const equals = preference.indexOf('=');
    const name = (equals === -1 ? preference : preference.slice(0, equals)).trim().toLowerCase();
    if (name === '' || preferences.has(name)) {
      continue;
    }
    preferences.set(name, equals === -1 ? '' : unquote(preference.slice(equals + 1).trim()));
  }
  return preferences;
}

/**
 * Reads the `return` preference of a create and marks its response: `Vary: Prefer` always (the answer
 * depends on it), and `Preference-Applied` when the client stated one this API honours. Unknown
 * preferences and values are ignored, so the answer is then the full representation.
 */
export function applyReturnPreference(header: string | undefined, response: Response): ReturnPreference {
  response.vary('Prefer');
  const requested = statedReturnPreference(header);
  if (requested === null) {
    return 'representation';
  }
  response.setHeader('Preference-Applied', `return=${requested}`);
  return requested;
}

/** The `return` preference of a `Prefer` header, when it states one this API honours; else null. */
export function statedReturnPreference(header: string | undefined): ReturnPreference | null {
  const requested = parsePrefer(header).get('return')?.toLowerCase();
  return requested === 'minimal' || requested === 'representation' ? requested : null;
}

/** `text` cut at every `delimiter` that is not inside a quoted string. */
function splitOutsideQuotes(text: string, delimiter: ',' | ';'): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (quoted && char === '\\') {
      current += char + text.charAt(index + 1);
      index += 1;
      continue;
    }
    if (char === '"') {
      quoted = !quoted;
    } else if (char === delimiter && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/** A token as is; a quoted string without its quotes and escapes. */
function unquote(word: string): string {
  if (word.length >= 2 && word.startsWith('"') && word.endsWith('"')) {
    return word.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return word;
}
