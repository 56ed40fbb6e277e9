import { Anchor, Stack, Table, Text } from '@mantine/core';
import { memo } from 'react';
import { Link } from 'react-router';
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatNumber,
} from '@/lib/format';
import type { Campaign } from '../api/get-campaign';
import { formatMps } from '../lib/progress';
import { CampaignProgress } from './campaign-progress';
import { CampaignStateBadge } from './campaign-state-badge';

function Dimmed({ children }: { children: string }) {
  return (
    <Text span size="sm" c="dimmed">
      {children}
    </Text>
  );
}

function Senders({ ids, numbers }: { ids: number[]; numbers: ReadonlyMap<number, string> }) {
  if (ids.length === 0) return <Dimmed>None yet</Dimmed>;
  const names = ids.map((id) => numbers.get(id)).filter((name) => name !== undefined);
  if (names.length !== ids.length || names.length > 2) {
    return <Text size="sm">{formatCount(ids.length, 'number')}</Text>;
  }
  return (
    <Stack gap={0}>
      {names.map((name) => (
        <Text
          key={name}
          size="sm"
          style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
        >
          {name}
        </Text>
      ))}
    </Stack>
  );
}

function Timing({ campaign }: { campaign: Campaign }) {
  if (campaign.started_at) {
    return (
      <Text size="sm" title={formatDateTime(campaign.started_at)}>
        Started {formatDate(campaign.started_at)}
      </Text>
    );
  }
  if (campaign.scheduled_at) {
    return (
      <Text size="sm" title={formatDateTime(campaign.scheduled_at)}>
        For {formatDateTime(campaign.scheduled_at)}
      </Text>
    );
  }
  return (
    <Text size="sm" c="dimmed" title={formatDateTime(campaign.created_at)}>
      Created {formatDate(campaign.created_at)}
    </Text>
  );
}

interface RowProps {
  campaign: Campaign;
  numbers: ReadonlyMap<number, string>;
}

/** One campaign; a live event re-renders only the row of its campaign. */
const CampaignRow = memo(function CampaignRow({ campaign, numbers }: RowProps) {
  const running = campaign.state === 'running';
  return (
    <Table.Tr aria-label={campaign.name}>
      <Table.Td>
        <Anchor component={Link} to={`/campaigns/${campaign.id}`} fw={500} size="sm">
          {campaign.name}
        </Anchor>
        {campaign.created_by && (
          <Text size="xs" c="dimmed">
            by {campaign.created_by.name}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <CampaignStateBadge state={campaign.state} />
      </Table.Td>
      <Table.Td>
        <Senders ids={campaign.senders} numbers={numbers} />
      </Table.Td>
      <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>
        {campaign.counters.planned > 0 ? (
          <Text size="sm">{formatNumber(campaign.counters.planned)}</Text>
        ) : (
          <Dimmed>—</Dimmed>
        )}
      </Table.Td>
      <Table.Td>
        {campaign.state === 'draft' ? (
          <Dimmed>Not launched</Dimmed>
        ) : (
          <CampaignProgress counters={campaign.counters} label={campaign.name} size="sm" />
        )}
      </Table.Td>
      <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>
        {running ? (
          <Stack gap={0}>
            <Text size="sm">{formatMps(campaign.rate.current_mps)}</Text>
            <Text size="xs" c="dimmed">
              {campaign.rate.eta_seconds === null
                ? 'ETA unknown'
                : `${formatDuration(campaign.rate.eta_seconds)} left`}
            </Text>
          </Stack>
        ) : (
          <Dimmed>—</Dimmed>
        )}
      </Table.Td>
      <Table.Td>
        <Timing campaign={campaign} />
      </Table.Td>
    </Table.Tr>
  );
});

/** The campaigns with their live progress, newest first. */
export function CampaignsTable({
  campaigns,
  numbers,
  stale = false,
}: {
  campaigns: Campaign[];
  numbers: ReadonlyMap<number, string>;
  stale?: boolean;
}) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table
        aria-label="Campaigns"
        aria-busy={stale || undefined}
        verticalSpacing="sm"
        highlightOnHover
        style={{ opacity: stale ? 0.6 : 1, transition: 'opacity 120ms' }}
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="22%">Name</Table.Th>
            <Table.Th w={120}>State</Table.Th>
            <Table.Th w={150}>Senders</Table.Th>
            <Table.Th>Audience</Table.Th>
            <Table.Th w="24%">Progress</Table.Th>
            <Table.Th>Rate</Table.Th>
            <Table.Th>When</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {campaigns.map((campaign) => (
            <CampaignRow key={campaign.id} campaign={campaign} numbers={numbers} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
