import type { ContactField } from '../api/get-contact-fields';
import type { ColumnMapping, ImportPreview, NewFieldSpec } from '../api/get-import';

// The column mapping of an import (docs/api.md, "Imports and exports"): each column of the CSV
// goes to a standard attribute, an existing custom field (`field:KEY`), a field made on the spot
// (`new_field`), or nowhere (`ignore`). Exactly one column must be the phone number.

export const standardTargets = [
  { value: 'phone', label: 'Phone number' },
  { value: 'name', label: 'Name' },
  { value: 'language', label: 'Language' },
  { value: 'country', label: 'Country' },
  { value: 'timezone', label: 'Time zone' },
  { value: 'consent', label: 'Consent' },
  { value: 'tags', label: 'Tags' },
] as const;

export const newFieldTarget = 'new_field';
export const ignoreTarget = 'ignore';

/** The options of a column's mapping select, grouped. */
export function targetOptions(fields: ContactField[]) {
  return [
    { group: 'Contact', items: standardTargets.map((target) => ({ ...target })) },
    ...(fields.length > 0
      ? [
          {
            group: 'Custom fields',
            items: fields.map((field) => ({ value: `field:${field.key}`, label: field.label })),
          },
        ]
      : []),
    {
      group: 'Other',
      items: [
        { value: newFieldTarget, label: 'Create new field…' },
        { value: ignoreTarget, label: 'Ignore this column' },
      ],
    },
  ];
}

/** A target as a person reads it: "Phone number", "City", "new field “Plan”". */
export function targetLabel(
  target: string,
  fields: ContactField[],
  newField?: NewFieldSpec,
): string {
  const standard = standardTargets.find((candidate) => candidate.value === target);
  if (standard) return standard.label;
  if (target.startsWith('field:')) {
    const key = target.slice('field:'.length);
    return fields.find((field) => field.key === key)?.label ?? key;
  }
  if (target === newFieldTarget) return `new field “${newField?.label ?? ''}”`;
  return 'ignored';
}

export interface PreviewTable {
  /** A name per column: its header, or "Column 3". */
  columns: string[];
  rows: string[][];
}

/**
 * The preview as the table shows it, given whether the first row is a header; the person may
 * say otherwise than the server guessed, which moves the first row between header and data.
 */
export function previewTable(preview: ImportPreview, hasHeader: boolean): PreviewTable {
  const allRows = preview.has_header ? [preview.headers, ...preview.rows] : preview.rows;
  const header = hasHeader ? (allRows[0] ?? []) : [];
  const rows = hasHeader ? allRows.slice(1) : allRows;
  const count = Math.max(
    header.length,
    preview.headers.length,
    ...rows.map((row) => row.length),
    0,
  );
  const columns = Array.from({ length: count }, (_, index) => {
    const name = header[index]?.trim() ?? '';
    return name === '' ? `Column ${index + 1}` : name;
  });
  return { columns, rows };
}

/** The mapping to start from: what was saved, else what the server suggests, else ignore. */
export function initialTargets(
  mapping: ColumnMapping[] | undefined,
  columnCount: number,
): { targets: string[]; newFields: Record<number, NewFieldSpec> } {
  const targets = Array.from({ length: columnCount }, () => ignoreTarget);
  const newFields: Record<number, NewFieldSpec> = {};
  for (const entry of mapping ?? []) {
    if (entry.column < 0 || entry.column >= columnCount) continue;
    if (entry.target === newFieldTarget) {
      if (!entry.field) continue;
      newFields[entry.column] = entry.field;
    }
    targets[entry.column] = entry.target;
  }
  return { targets, newFields };
}

export interface MappingProblems {
  /** For the whole mapping, e.g. no phone column. */
  general: string[];
  /** By column index. */
  columns: Record<number, string>;
}

/** Targets that can take several columns: tags are merged, ignored columns are ignored. */
const repeatable = new Set<string>([ignoreTarget, 'tags', newFieldTarget]);

/** What keeps the mapping from being started, in the words the page shows. */
export function mappingProblems(
  targets: string[],
  columns: string[],
  fields: ContactField[],
): MappingProblems {
  const problems: MappingProblems = { general: [], columns: {} };
  const phoneColumns = targets.flatMap((target, index) => (target === 'phone' ? [index] : []));
  if (phoneColumns.length === 0) {
    problems.general.push('Map one column to Phone number: every contact needs one.');
  } else if (phoneColumns.length > 1) {
    problems.general.push(
      `Only one column can be the phone number; ${phoneColumns.map((index) => `“${columns[index]}”`).join(' and ')} both are.`,
    );
    for (const index of phoneColumns) problems.columns[index] = 'Only one column can be the phone';
  }
  const seen = new Map<string, number>();
  targets.forEach((target, index) => {
    if (repeatable.has(target) || target === 'phone') return;
    const first = seen.get(target);
    if (first === undefined) {
      seen.set(target, index);
      return;
    }
    problems.columns[index] = `${targetLabel(target, fields)} is already “${columns[first]}”`;
  });
  if (Object.keys(problems.columns).length > 0 && phoneColumns.length <= 1) {
    problems.general.push('Each attribute and field can take one column only.');
  }
  return problems;
}

/** The `mapping` of POST /imports/{id}/start: every column, new fields with their spec. */
export function buildMapping(
  targets: string[],
  newFields: Record<number, NewFieldSpec>,
): ColumnMapping[] {
  return targets.map((target, column) => {
    const field = newFields[column];
    return target === newFieldTarget && field ? { column, target, field } : { column, target };
  });
}
