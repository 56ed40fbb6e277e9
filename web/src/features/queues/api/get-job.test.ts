import { describe, expect, it } from 'vitest';
import { makeAttempt, makeJob } from '../test-fixtures';
import { readJobDetail } from './get-job';

describe('readJobDetail', () => {
  it('takes the attempts count and the history as documented', () => {
    const job = readJobDetail({ ...makeJob({ attempts: 2 }), history: [makeAttempt()] });
    expect(job.attempts).toBe(2);
    expect(job.history).toEqual([makeAttempt()]);
  });

  it('reads a list of attempts sent in place of the count', () => {
    const job = readJobDetail({
      ...makeJob(),
      attempts: [makeAttempt(), makeAttempt({ attempt: 2 })],
    });
    expect(job.attempts).toBe(2);
    expect(job.history).toHaveLength(2);
  });
});
