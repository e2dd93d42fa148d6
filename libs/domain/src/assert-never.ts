import { InvariantViolationError } from './errors.js';

/** Ends exhaustive switches: compile-time proof that every case is handled, and a loud failure if not. */
export function assertNever(value: never): never {
  throw new InvariantViolationError(`unexpected value: ${JSON.stringify(value)}`);
}
