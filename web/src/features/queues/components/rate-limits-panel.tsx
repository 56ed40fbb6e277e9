import { Anchor, Badge, Progress, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconGauge } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { ListTable } from '@/components/list-table';
import { SectionCard } from '@/components/section-card';
import { TableSkeleton } from '@/components/skeletons';
import { formatNumber } from '@/lib/format';
import { type RateLimit, rateLimitsRefreshMs, useRateLimits } from '../api/get-rate-limits';
import { formatMs } from '../lib/format';

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, (part / whole) * 100) : 0;
}

/** A thin bar whose value is read out as words ("12 of 80"), not as a bare percentage. */
function UsageBar({
  value,
  color,
  label,
  valueText,
}: {
  value: number;
  color: string;
  label: string;
  valueText: string;
}) {
  const rounded = Math.round(value);
  return (
    <Progress.Root size="sm">
      <Progress.Section
        value={value}
        color={color}
        withAria={false}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={rounded}
        aria-valuetext={valueText}
      />
    </Progress.Root>
  );
}

function RateCell({ limit }: { limit: RateLimit }) {
  if (!limit.known && limit.configured_mps === 0) {
    return (
      <Text size="sm" c="dimmed">
        not in use yet
      </Text>
    );
  }
  const slowed = limit.current_mps < limit.configured_mps;
  const used = percent(limit.sent_last_second, limit.current_mps);
  return (
    <Stack gap={4} miw={150}>
      <Text size="sm" c={slowed ? 'orange.8' : undefined}>
        {formatNumber(limit.current_mps)} of {formatNumber(limit.configured_mps)} msg/s
        {slowed && ' (slowed)'}
      </Text>
      <UsageBar
        value={used}
        color={used >= 100 ? 'orange' : 'teal'}
        label={`Sent in the last second by ${limit.phone_number}`}
        valueText={`${formatNumber(limit.sent_last_second)} of ${formatNumber(limit.current_mps)}`}
      />
      <Text size="xs" c="dimmed">
        {formatNumber(limit.sent_last_second)} sent in the last second
      </Text>
    </Stack>
  );
}

function TierCell({ limit }: { limit: RateLimit }) {
  const { used, cap } = limit.tier;
  if (cap === null) {
    return (
      <Text size="sm">
        {formatNumber(used)}{' '}
        <Text span c="dimmed" size="xs">
          (no cap)
        </Text>
      </Text>
    );
  }
  const share = percent(used, cap);
  return (
    <Stack gap={4} miw={140}>
      <Text size="sm">
        {formatNumber(used)} of {formatNumber(cap)}
      </Text>
      <UsageBar
        value={share}
        color={share >= 90 ? 'red' : share >= 70 ? 'orange' : 'teal'}
        label={`Tier use of ${limit.phone_number}`}
        valueText={`${formatNumber(used)} of ${formatNumber(cap)} unique recipients`}
      />
    </Stack>
  );
}

function StatusCell({ limit }: { limit: RateLimit }) {
  if (limit.paused) {
    return (
      <Stack gap={2} maw={220}>
        <Badge color="red" variant="light">
          Paused
        </Badge>
        {limit.pause_detail && (
          <Text size="xs" c="red.8" style={{ overflowWrap: 'anywhere' }}>
            {limit.pause_detail}
          </Text>
        )}
      </Stack>
    );
  }
  if (!limit.known) {
    return (
      <Tooltip label="Nothing sent from this number since the server started.">
        <Badge color="gray" variant="light">
          Idle
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Badge color="teal" variant="dot">
      Sending
    </Badge>
  );
}

function RefusalsCell({ limit }: { limit: RateLimit }) {
  const { refused } = limit;
  return (
    <Stack gap={0} maw={200}>
      <Text size="sm">{formatNumber(limit.allowed)} allowed</Text>
      <Text size="xs" c="dimmed">
        refused: {formatNumber(refused.rate)} rate · {formatNumber(refused.pair)} pair ·{' '}
        {formatNumber(refused.tier)} tier · {formatNumber(refused.paused)} paused
      </Text>
      {limit.throttles > 0 && (
        <Text size="xs" c="orange.8">
          Meta throttled it {formatNumber(limit.throttles)}×
        </Text>
      )}
    </Stack>
  );
}

/** Each sender number's limiter: rate, next slot, backoff, tier use, pause and counters. */
export function RateLimitsPanel() {
  const limits = useRateLimits();

  let content;
  if (limits.isPending) content = <TableSkeleton columns={7} rows={2} />;
  else if (limits.isError) {
    content = (
      <ErrorState
        title="Couldn't load the rate limits"
        error={limits.error}
        onRetry={() => void limits.refetch()}
        retrying={limits.isFetching}
      />
    );
  } else if (limits.data.length === 0) {
    content = (
      <EmptyState
        icon={<IconGauge size={26} aria-hidden />}
        title="No sender numbers"
        description={
          <>
            Each phone number of a connected WhatsApp account gets a rate limiter. Connect an
            account under{' '}
            <Anchor component={Link} to="/settings/whatsapp" size="sm">
              Settings → WhatsApp
            </Anchor>
            .
          </>
        }
      />
    );
  } else {
    content = (
      <ListTable
        label="Rate limits"
        columns={['Number', 'Rate', 'Next slot', 'Backoff', 'Tier (24 h)', 'Status', 'Sends']}
        minWidth={1000}
      >
        {limits.data.map((limit) => (
          <Table.Tr key={limit.pnid}>
            <Table.Td>
              <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                {limit.phone_number}
              </Text>
              <Text size="xs" c="dimmed">
                {limit.account} · {limit.pnid}
              </Text>
            </Table.Td>
            <Table.Td>
              <RateCell limit={limit} />
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {limit.next_slot_ms > 0 ? `in ${formatMs(limit.next_slot_ms)}` : 'now'}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" c={limit.backoff_ms > 0 ? 'orange.8' : 'dimmed'}>
                {limit.backoff_ms > 0 ? `${formatMs(limit.backoff_ms)} left` : 'none'}
              </Text>
            </Table.Td>
            <Table.Td>
              <TierCell limit={limit} />
            </Table.Td>
            <Table.Td>
              <StatusCell limit={limit} />
            </Table.Td>
            <Table.Td>
              <RefusalsCell limit={limit} />
            </Table.Td>
          </Table.Tr>
        ))}
      </ListTable>
    );
  }

  return (
    <SectionCard
      title="Rate limits"
      description={`How fast each sender number may send by WhatsApp's limits, and what held it back. Refreshed every ${rateLimitsRefreshMs / 1000} seconds.`}
    >
      {content}
    </SectionCard>
  );
}
