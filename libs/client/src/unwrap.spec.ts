import { describe, expect, it } from '@jest/globals';

import { MeridianApiError } from './meridian-api.error.js';
import { unwrap } from './unwrap.js';

const notFound = {
  type: '/problems/job-not-found',
  title: 'Job not found',
  status: 404,
  detail: 'No job 0193a6f0-0000-7000-8000-000000000000 in this namespace',
  code: 'job_not_found',
};

function answer(status: number): Response {
  return new Response(null, { status });
}

describe(unwrap.name, () => {
  it('should answer the data of a success', () => {
    expect(unwrap({ data: { id: 'a' }, response: answer(200) })).toEqual({ id: 'a' });
  });

  it('should answer undefined for a 204 without body', () => {
    expect(unwrap({ data: undefined, response: answer(204) })).toBeUndefined();
  });

  it('should throw a MeridianApiError with the problem, its code and a message from its detail', () => {
    const sut = () => unwrap({ error: notFound, response: answer(404) });

    expect(sut).toThrow(MeridianApiError);
    expect(sut).toThrow(expect.objectContaining({ status: 404, code: 'job_not_found', problem: notFound }));
    expect(sut).toThrow('404 job_not_found: No job 0193a6f0-0000-7000-8000-000000000000 in this namespace');
  });

  it('should name each refused field of a validation problem in the message', () => {
    const problem = {
      type: '/problems/validation-failed',
      title: 'Validation failed',
      status: 400,
      detail: 'The request is not valid',
      code: 'validation_failed',
      errors: [
        { path: 'body.name', message: 'Too small: expected string to have >=1 characters', code: 'too_small' },
        { path: 'body.delayMs', message: 'Invalid input: expected number, received string', code: 'invalid_type' },
      ],
    };

    expect(() => unwrap({ error: problem, response: answer(400) })).toThrow(
      '400 validation_failed: The request is not valid; body.name: Too small: expected string to have >=1 characters; ' +
        'body.delayMs: Invalid input: expected number, received string',
    );
  });

  it('should throw a MeridianApiError without problem for an answer that holds none (a proxy page)', () => {
    const sut = () => unwrap({ error: '<html>Bad Gateway</html>', response: answer(502) });

    expect(sut).toThrow(expect.objectContaining({ status: 502, problem: undefined, code: undefined }));
    expect(sut).toThrow('502 answered without a problem body: <html>Bad Gateway</html>');
  });

  it('should throw for a failure even when it carries data', () => {
    expect(() => unwrap({ data: {}, error: notFound, response: answer(404) })).toThrow(MeridianApiError);
  });
});
