import { describe, expect, it } from 'vitest';
import type { ImportPreview } from '../api/get-import';
import { fields } from '../test-fixtures';
import { buildMapping, initialTargets, mappingProblems, previewTable } from './import-mapping';

const preview: ImportPreview = {
  delimiter: ',',
  has_header: true,
  headers: ['Phone', 'Name', ''],
  rows: [['0812', 'Ana', 'Jakarta']],
  suggested_mapping: [{ column: 0, target: 'phone' }],
};

describe('previewTable', () => {
  it('names columns by their header, numbering the unnamed', () => {
    expect(previewTable(preview, true)).toEqual({
      columns: ['Phone', 'Name', 'Column 3'],
      rows: [['0812', 'Ana', 'Jakarta']],
    });
  });

  it('moves the first row into the data when it is not a header', () => {
    expect(previewTable(preview, false)).toEqual({
      columns: ['Column 1', 'Column 2', 'Column 3'],
      rows: [
        ['Phone', 'Name', ''],
        ['0812', 'Ana', 'Jakarta'],
      ],
    });
    expect(
      previewTable(
        {
          ...preview,
          has_header: false,
          headers: [],
          rows: [
            ['a', 'b'],
            ['c', 'd'],
          ],
        },
        true,
      ),
    ).toEqual({ columns: ['a', 'b'], rows: [['c', 'd']] });
  });
});

describe('mapping', () => {
  it('starts from the suggestion, ignoring the rest and columns out of range', () => {
    expect(
      initialTargets(
        [
          { column: 0, target: 'phone' },
          { column: 2, target: 'new_field', field: { label: 'Town', type: 'text' } },
          { column: 9, target: 'name' },
        ],
        3,
      ),
    ).toEqual({
      targets: ['phone', 'ignore', 'new_field'],
      newFields: { 2: { label: 'Town', type: 'text' } },
    });
  });

  it('wants exactly one phone column and each single target once', () => {
    const columns = ['A', 'B', 'C', 'D'];
    expect(
      mappingProblems(['name', 'ignore', 'ignore', 'ignore'], columns, fields).general,
    ).toEqual(['Map one column to Phone number: every contact needs one.']);
    const twoPhones = mappingProblems(['phone', 'phone', 'ignore', 'ignore'], columns, fields);
    expect(twoPhones.general[0]).toMatch(/“A” and “B” both are/);
    expect(twoPhones.columns).toEqual({
      0: 'Only one column can be the phone',
      1: 'Only one column can be the phone',
    });
    const twice = mappingProblems(['phone', 'field:city', 'field:city', 'tags'], columns, fields);
    expect(twice.columns).toEqual({ 2: 'City is already “B”' });
    expect(mappingProblems(['phone', 'tags', 'tags', 'ignore'], columns, fields)).toEqual({
      general: [],
      columns: {},
    });
  });

  it('builds the start body with new fields described', () => {
    expect(
      buildMapping(['phone', 'new_field', 'ignore'], {
        1: { label: 'Plan', type: 'choice', choices: ['a'] },
      }),
    ).toEqual([
      { column: 0, target: 'phone' },
      { column: 1, target: 'new_field', field: { label: 'Plan', type: 'choice', choices: ['a'] } },
      { column: 2, target: 'ignore' },
    ]);
  });
});
