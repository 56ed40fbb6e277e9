import { Table, Text } from '@mantine/core';
import { ListTable } from '@/components/list-table';
import { SectionCard } from '@/components/section-card';
import { formatNumber } from '@/lib/format';
import type { KindStats } from '../api/get-queues';
import { formatMs } from '../lib/format';

const numeric = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;

/** Counters per kind of job since the server started, with run time percentiles. */
export function KindStatsTable({ kinds }: { kinds: KindStats[] }) {
  const sorted = [...kinds].sort(
    (a, b) => a.queue.localeCompare(b.queue) || a.kind.localeCompare(b.kind),
  );
  return (
    <SectionCard
      title="Job kinds"
      description="What ran, by kind, since the server started; run times over recent jobs."
    >
      {sorted.length === 0 ? (
        <Text size="sm" c="dimmed">
          No kind of job is registered yet.
        </Text>
      ) : (
        <ListTable
          label="Job kinds"
          columns={[
            'Kind',
            'Queue',
            'Enqueued',
            'Succeeded',
            'Failed',
            'Retried',
            'Run p50',
            'Run p99',
          ]}
          minWidth={760}
        >
          {sorted.map((kind) => (
            <Table.Tr key={`${kind.queue}/${kind.kind}`}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {kind.kind}
                </Text>
              </Table.Td>
              <Table.Td>{kind.queue}</Table.Td>
              <Table.Td style={numeric}>{formatNumber(kind.enqueued)}</Table.Td>
              <Table.Td style={numeric}>{formatNumber(kind.succeeded)}</Table.Td>
              <Table.Td style={numeric} c={kind.failed > 0 ? 'red' : undefined}>
                {formatNumber(kind.failed)}
              </Table.Td>
              <Table.Td style={numeric}>{formatNumber(kind.retried)}</Table.Td>
              <Table.Td style={numeric}>{formatMs(kind.run_ms.p50)}</Table.Td>
              <Table.Td style={numeric}>{formatMs(kind.run_ms.p99)}</Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      )}
    </SectionCard>
  );
}
