import { Table, Text } from '@mantine/core';
import { ListTable } from '@/components/list-table';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { PhoneNumber } from '../api/get-accounts';
import { messagingTierLabel } from '../lib/labels';
import { NumberStatusBadge, QualityBadge } from './badges';

/** The numbers of one account as Meta last described them. */
export function PhoneNumbersTable({
  accountName,
  numbers,
}: {
  accountName: string;
  numbers: PhoneNumber[];
}) {
  if (numbers.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No phone numbers yet. Add one to this account in Meta&apos;s WhatsApp Manager, then refresh
        from Meta.
      </Text>
    );
  }
  return (
    <ListTable
      label={`Phone numbers of ${accountName}`}
      columns={[
        'Number',
        'Verified name',
        'Quality',
        'Messaging limit',
        'Throughput',
        'Status',
        'Updated',
      ]}
      minWidth={820}
    >
      {numbers.map((number) => (
        <Table.Tr key={number.id}>
          <Table.Td>
            <Text size="sm" fw={500} title={`Phone number ID ${number.pnid}`}>
              {number.display_number}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{number.verified_name || '—'}</Text>
          </Table.Td>
          <Table.Td>
            <QualityBadge rating={number.quality_rating} />
          </Table.Td>
          <Table.Td>
            <Text size="sm" title={number.messaging_tier || undefined}>
              {messagingTierLabel(number.messaging_tier)}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{number.throughput_mps} mps</Text>
          </Table.Td>
          <Table.Td>
            <NumberStatusBadge status={number.status} />
          </Table.Td>
          <Table.Td>
            <Text size="sm" title={formatDateTime(number.updated_at)}>
              {formatRelative(number.updated_at)}
            </Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}
