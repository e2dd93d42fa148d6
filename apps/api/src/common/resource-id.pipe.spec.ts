import { describe, expect, it } from '@jest/globals';
import { JobNotFoundError, newId } from '@meridian/domain';

import { ResourceIdPipe } from './resource-id.pipe.js';

describe(ResourceIdPipe.name, () => {
  it('should pass a UUID through', () => {
    const sut = new ResourceIdPipe(JobNotFoundError);
    const id = newId();

    expect(sut.transform(id)).toBe(id);
  });

  it("should answer the resource's not-found error for an id that is not a UUID", () => {
    const sut = new ResourceIdPipe(JobNotFoundError);

    expect(() => sut.transform('not-a-uuid')).toThrow(new JobNotFoundError('not-a-uuid'));
  });
});
