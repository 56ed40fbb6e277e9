import { Group, Paper, Skeleton, Stack, Table } from '@mantine/core';

/** Placeholder shaped like the table that will replace it, so the page does not jump. */
export function TableSkeleton({ columns, rows = 4 }: { columns: number; rows?: number }) {
  return (
    <Table aria-busy="true" aria-label="Loading">
      <Table.Thead>
        <Table.Tr>
          {Array.from({ length: columns }, (_, column) => (
            <Table.Th key={column}>
              <Skeleton height={12} width="60%" />
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {Array.from({ length: rows }, (_, row) => (
          <Table.Tr key={row}>
            {Array.from({ length: columns }, (_, column) => (
              <Table.Td key={column}>
                <Skeleton height={14} width={column === 0 ? '80%' : '55%'} />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function CardSkeleton({ lines = 3 }: { lines?: number }) {
  return (
    <Paper withBorder radius="md" p="lg" aria-busy="true" aria-label="Loading">
      <Stack gap="sm">
        <Skeleton height={18} width="40%" />
        {Array.from({ length: lines }, (_, line) => (
          <Skeleton key={line} height={12} width={`${90 - line * 15}%`} />
        ))}
        <Group gap="sm" mt="xs">
          <Skeleton height={28} width={90} radius="sm" />
        </Group>
      </Stack>
    </Paper>
  );
}
