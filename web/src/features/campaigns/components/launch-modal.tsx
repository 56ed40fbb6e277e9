import { List, Text } from '@mantine/core';
import { ConfirmModal } from '@/components/confirm-modal';
import { formatCount, formatDuration } from '@/lib/format';
import type { SenderOption } from '../api/get-phone-numbers';
import { estimatedSeconds } from '../lib/editor';
import { formatMps } from '../lib/progress';

interface LaunchModalProps {
  opened: boolean;
  name: string;
  /** The audience estimate; null while unknown. */
  contacts: number | null;
  senders: SenderOption[];
  speed: number;
  schedule: string;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
}

/** The last look before sending: how many, from where, how fast, for how long. */
export function LaunchModal({
  opened,
  name,
  contacts,
  senders,
  speed,
  schedule,
  pending,
  error,
  onConfirm,
  onClose,
}: LaunchModalProps) {
  const throughput = senders.reduce((sum, number) => sum + number.throughput_mps, 0);
  const effective = throughput > 0 ? Math.min(speed, throughput) : speed;
  const seconds = contacts === null ? null : estimatedSeconds(contacts, effective);
  return (
    <ConfirmModal
      opened={opened}
      title={`Launch ${name}?`}
      confirmLabel="Launch campaign"
      confirmColor="green"
      pending={pending}
      error={error}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      <List spacing={4} size="sm" aria-label="Launch summary">
        <List.Item>
          Audience:{' '}
          {contacts === null ? 'not counted yet' : `about ${formatCount(contacts, 'contact')}`}
        </List.Item>
        <List.Item>
          From {senders.map((number) => number.display_number).join(', ') || 'no number'}
        </List.Item>
        <List.Item>Speed: {formatMps(effective)}</List.Item>
        <List.Item>
          Estimated duration: {seconds === null ? 'unknown' : formatDuration(seconds)}
        </List.Item>
        <List.Item>When: {schedule}</List.Item>
      </List>
      <Text size="sm" mt="sm">
        Messages start leaving as scheduled; you can pause or stop the campaign from its page.
      </Text>
    </ConfirmModal>
  );
}
