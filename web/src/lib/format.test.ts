import { describe, expect, it } from 'vitest';
import { formatRelative, formatWaitMinutes, initials } from './format';

describe('formatWaitMinutes', () => {
  it('rounds up so that the wait is long enough', () => {
    expect(formatWaitMinutes(1)).toBe('1 minute');
    expect(formatWaitMinutes(60)).toBe('1 minute');
    expect(formatWaitMinutes(61)).toBe('2 minutes');
    expect(formatWaitMinutes(900)).toBe('15 minutes');
  });
});

describe('formatRelative', () => {
  it('picks the largest whole unit', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    expect(formatRelative('2026-11-25T11:59:30Z', now)).toBe('just now');
    expect(formatRelative('2026-11-25T09:00:00Z', now)).toMatch(/3 hours ago/);
    expect(formatRelative('2026-11-22T12:00:00Z', now)).toMatch(/3 days ago/);
  });
});

describe('initials', () => {
  it('takes the first letter of the first two words', () => {
    expect(initials('Olivia Owner')).toBe('OO');
    expect(initials('  owner ')).toBe('O');
    expect(initials('Ana Maria de Souza')).toBe('AM');
    expect(initials('')).toBe('?');
  });
});
