import {
  Anchor,
  Badge,
  Checkbox,
  Group,
  NumberInput,
  Slider,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { Link } from 'react-router';
import { formatDuration } from '@/lib/format';
import type { SenderOption } from '../api/get-phone-numbers';
import { estimatedSeconds, sendersThroughput } from '../lib/editor';
import { formatMps } from '../lib/progress';
import { maxSpeedMps, minSpeedMps } from './speed-control';

const qualityColors: Record<string, string> = { GREEN: 'green', YELLOW: 'yellow', RED: 'red' };

function tierLabel(tier: string): string {
  if (tier === '') return 'Unknown tier';
  if (tier === 'TIER_UNLIMITED') return 'Unlimited';
  return `${tier.replace(/^TIER_/, '')} a day`;
}

interface SendersStepProps {
  numbers: SenderOption[];
  senders: number[];
  speed: number;
  onChange: (patch: { senders?: number[]; speed?: number }) => void;
  errors: Record<string, string>;
  /** The audience estimate, for the duration. */
  contacts: number | null;
}

export function SendersStep({
  numbers,
  senders,
  speed,
  onChange,
  errors,
  contacts,
}: SendersStepProps) {
  const throughput = sendersThroughput(numbers, senders);
  const max = Math.max(minSpeedMps, Math.min(maxSpeedMps, throughput || maxSpeedMps));
  const seconds = contacts === null ? null : estimatedSeconds(contacts, Math.min(speed, max));

  const toggle = (id: number, checked: boolean) => {
    const next = checked ? [...senders, id] : senders.filter((sender) => sender !== id);
    const nextMax = sendersThroughput(numbers, next) || maxSpeedMps;
    onChange({ senders: next, speed: Math.min(speed, nextMax) });
  };

  if (numbers.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        This workspace has no phone numbers yet. Connect a WhatsApp account under{' '}
        <Anchor component={Link} to="/settings/whatsapp" size="sm">
          Settings → WhatsApp
        </Anchor>
        .
      </Text>
    );
  }

  return (
    <Stack gap="md">
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label="Phone numbers" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40} />
              <Table.Th>Number</Table.Th>
              <Table.Th>Tier</Table.Th>
              <Table.Th>Throughput</Table.Th>
              <Table.Th>Quality</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {numbers.map((number) => {
              const paused = number.account.status === 'paused';
              return (
                <Table.Tr key={number.id}>
                  <Table.Td>
                    <Checkbox
                      aria-label={`Send from ${number.display_number}`}
                      checked={senders.includes(number.id)}
                      disabled={paused && !senders.includes(number.id)}
                      onChange={(event) => toggle(number.id, event.currentTarget.checked)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500} style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {number.display_number}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {number.verified_name || number.account.name}
                      {paused ? ' · account paused' : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{tierLabel(number.messaging_tier)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatMps(number.throughput_mps)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      size="sm"
                      variant="light"
                      color={qualityColors[number.quality_rating] ?? 'gray'}
                    >
                      {number.quality_rating.toLowerCase() || 'unknown'}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {errors.senders && (
        <Text size="sm" c="red" role="alert">
          {errors.senders}
        </Text>
      )}
      <Stack gap={6}>
        <Group justify="space-between">
          <Text size="sm" fw={500} id="speed-label">
            Speed
          </Text>
          <Text size="sm" c="dimmed">
            {senders.length === 0
              ? 'Choose senders to see their limit'
              : `Up to ${formatMps(max)}, what the chosen numbers allow together`}
          </Text>
        </Group>
        <Slider
          min={minSpeedMps}
          max={max}
          value={Math.min(speed, max)}
          onChange={(value) => onChange({ speed: value })}
          label={(value) => formatMps(value)}
          thumbLabel="Speed in messages per second"
          aria-labelledby="speed-label"
        />
        <Group gap="sm" align="flex-end">
          <NumberInput
            label="Messages per second"
            min={minSpeedMps}
            max={max}
            value={speed}
            onChange={(value) =>
              onChange({
                speed: Math.max(minSpeedMps, Math.min(max, Math.round(Number(value) || 1))),
              })
            }
            clampBehavior="strict"
            error={errors.speed_mps}
            w={180}
          />
          {seconds !== null && contacts !== null && contacts > 0 && (
            <Text size="sm" c="dimmed" pb={6}>
              About {formatDuration(seconds)} for the current audience.
            </Text>
          )}
        </Group>
      </Stack>
    </Stack>
  );
}
