import { Table, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';

interface ListTableProps {
  /** Names the table for assistive technology, e.g. "Users". */
  label: string;
  /** Column headings, in order. */
  columns: string[];
  /** Adds a last column for the row's buttons, headed for screen readers only. */
  withActions?: boolean;
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
  /** The rows (`Table.Tr`). */
  children: ReactNode;
}

/** The table a settings list is shown in. */
export function ListTable({
  label,
  columns,
  withActions = false,
  minWidth,
  children,
}: ListTableProps) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table verticalSpacing="sm" highlightOnHover aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column}>{column}</Table.Th>
            ))}
            {withActions && (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
