import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatRelative,
  formatWaitMinutes,
  initials,
} from './format';

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

describe('formatCount', () => {
  it('groups digits and picks the noun', () => {
    expect(formatCount(1, 'contact')).toBe('1 contact');
    expect(formatCount(0, 'contact')).toBe('0 contacts');
    expect(formatCount(1234567, 'contact')).toBe('1,234,567 contacts');
    expect(formatCount(2, 'reply', 'replies')).toBe('2 replies');
  });
});

describe('formatBytes', () => {
  it('uses powers of 1024 with one decimal', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(812)).toBe('812 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(73400320)).toBe('70.0 MB');
  });
});

describe('formatDuration', () => {
  it('names the two largest units', () => {
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(120)).toBe('2 min');
    expect(formatDuration(7800)).toBe('2 h 10 min');
  });
});
