import { afterAll, beforeAll } from '@jest/globals';

import { ApiClient } from './api-client.js';
import { startStack, type TestStack } from './test-stack.js';

export interface StackContext {
  readonly stack: TestStack;
  readonly api: ApiClient;
}

type StackOptions = Parameters<typeof startStack>[0];

/**
 * One Meridian stack for the enclosing `describe`: started before its tests, stopped (database
 * dropped, Redis keys deleted) after them. `options` may be a function, called when the stack
 * starts, for options known only then (a private Redis started by an earlier `beforeAll`).
 */
export function useStack(options: StackOptions | (() => StackOptions) = {}): StackContext {
  let current: { stack: TestStack; api: ApiClient } | undefined;
  beforeAll(async () => {
    const stack = await startStack(typeof options === 'function' ? options() : options);
    current = { stack, api: new ApiClient(stack.apiUrl, stack.env.API_BOOTSTRAP_KEY) };
  }, 60_000);
  afterAll(async () => {
    await current?.stack.stop();
  }, 60_000);
  const get = () => {
    if (current === undefined) {
      throw new Error('the stack is only there inside tests');
    }
    return current;
  };
  return {
    get stack() {
      return get().stack;
    },
    get api() {
      return get().api;
    },
  };
}
