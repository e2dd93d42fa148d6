import { describe, expect, it } from '@jest/globals';
import { EXECUTION_STATUSES, isTerminal } from '@meridian/domain';

import { ALL_EXECUTION_STATUSES, ENDED_EXECUTION_STATUSES, isEndedStatus } from './execution-status.js';

describe(isEndedStatus.name, () => {
  it.each(EXECUTION_STATUSES)(
    "should call %s ended exactly when the server's state machine calls it terminal",
    (status) => {
      expect(isEndedStatus(status)).toBe(isTerminal(status));
    },
  );

  it("should list every status the server's state machine has", () => {
    expect([...ALL_EXECUTION_STATUSES].sort()).toEqual([...EXECUTION_STATUSES].sort());
  });

  it('should list the ended statuses', () => {
    expect([...ENDED_EXECUTION_STATUSES].sort()).toEqual(['CANCELLED', 'DEAD', 'SKIPPED', 'SUCCEEDED']);
  });
});
