import { describe, expect, it } from 'vitest';
import { fieldKeyFromLabel, formatFieldValue, inputToFieldValue } from './field-values';

describe('custom field values', () => {
  it('turns form strings into typed API values', () => {
    expect(inputToFieldValue('number', ' 31 ')).toBe(31);
    expect(inputToFieldValue('number', 'abc')).toBe('abc');
    expect(inputToFieldValue('boolean', 'false')).toBe(false);
    expect(inputToFieldValue('date', '2024-05-01')).toBe('2024-05-01');
    expect(inputToFieldValue('text', '  ')).toBeNull();
  });

  it('formats stored values for reading', () => {
    expect(formatFieldValue({ type: 'boolean' }, true)).toBe('Yes');
    expect(formatFieldValue({ type: 'number' }, 1200)).toBe('1,200');
    expect(formatFieldValue({ type: 'date' }, '2024-05-01')).toMatch(/2024/);
    expect(formatFieldValue({ type: 'text' }, null)).toBeNull();
  });

  it('derives keys from labels', () => {
    expect(fieldKeyFromLabel('City')).toBe('city');
    expect(fieldKeyFromLabel('First order!')).toBe('first_order');
    expect(fieldKeyFromLabel('Kota Asal (é)')).toBe('kota_asal_e');
    expect(fieldKeyFromLabel('!!')).toBe('');
  });
});
