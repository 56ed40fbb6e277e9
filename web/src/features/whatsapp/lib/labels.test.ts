import { describe, expect, it } from 'vitest';
import { formatBytes, humanize, messagingTierLabel, qualityStyle } from './labels';

describe('labels', () => {
  it('reads messaging tiers in words', () => {
    expect(messagingTierLabel('TIER_250')).toBe('250 / day');
    expect(messagingTierLabel('TIER_2K')).toBe('2K / day');
    expect(messagingTierLabel('TIER_10K')).toBe('10K / day');
    expect(messagingTierLabel('TIER_100K')).toBe('100K / day');
    expect(messagingTierLabel('TIER_UNLIMITED')).toBe('Unlimited');
    expect(messagingTierLabel('')).toBe('Unknown');
    expect(messagingTierLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });

  it('colours quality ratings, and shows unknown ones as they are', () => {
    expect(qualityStyle('GREEN')).toEqual({ label: 'High', color: 'green' });
    expect(qualityStyle('YELLOW')).toEqual({ label: 'Medium', color: 'yellow' });
    expect(qualityStyle('RED')).toEqual({ label: 'Low', color: 'red' });
    expect(qualityStyle('PURPLE')).toEqual({ label: 'PURPLE', color: 'gray' });
  });

  it('turns enums into words and sizes into units', () => {
    expect(humanize('PENDING_DELETION')).toBe('Pending deletion');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(4200)).toBe('4.1 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
