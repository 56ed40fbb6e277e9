import { Button, Loader, Stack, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconHandStop } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '@/components/confirm-modal';
import { formatCount } from '@/lib/format';
import { type ActiveCount, useActiveCounts } from '../api/get-active-counts';
import { useEmergencyStop } from '../api/emergency-stop';

/** Longest reason the timeline keeps. */
export const maxReasonLength = 500;

function part(count: ActiveCount, state: string): string | null {
  if (count.count === 0) return null;
  return `${count.more ? 'at least ' : ''}${formatCount(count.count, `${state} campaign`)}`;
}

function joinParts(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * The red button that stops every running, paused and scheduled campaign of the workspace at
 * once, after a confirmation that says how many that is.
 */
export function EmergencyStopButton() {
  const [opened, modal] = useDisclosure(false);
  const [reason, setReason] = useState('');
  const counts = useActiveCounts(opened);
  const stop = useEmergencyStop();

  const close = () => {
    modal.close();
    setReason('');
    stop.reset();
  };

  const parts = counts.data
    ? [
        part(counts.data.running, 'running'),
        part(counts.data.paused, 'paused'),
        part(counts.data.scheduled, 'scheduled'),
      ].filter((text) => text !== null)
    : [];

  return (
    <>
      <Button color="red" leftSection={<IconHandStop size={16} aria-hidden />} onClick={modal.open}>
        Emergency stop
      </Button>
      <ConfirmModal
        opened={opened}
        title="Stop every campaign?"
        confirmLabel="Stop all campaigns"
        pending={stop.isPending}
        error={stop.error ? stop.error.message : null}
        onClose={close}
        onConfirm={() =>
          stop.mutate(reason.trim() || null, {
            onSuccess: ({ stopped }) => {
              close();
              notifications.show({
                color: 'red',
                message:
                  stopped.length === 0
                    ? 'No campaign was running, paused or scheduled.'
                    : `Stopped ${formatCount(stopped.length, 'campaign')}.`,
              });
            },
          })
        }
      >
        <Stack gap="sm">
          <Text size="sm" role="status" aria-live="polite">
            {counts.isPending ? (
              <>
                <Loader size="xs" mr={6} />
                Counting the campaigns that would stop…
              </>
            ) : counts.isError ? (
              'Every running, paused and scheduled campaign of this workspace stops at once.'
            ) : parts.length === 0 ? (
              'No campaign is running, paused or scheduled right now.'
            ) : (
              `This stops ${joinParts(parts)} at once.`
            )}
          </Text>
          <Text size="sm">
            Messages not sent yet are cancelled and are not sent later. Stopped campaigns cannot be
            resumed.
          </Text>
          <Textarea
            label="Reason (optional)"
            description="Kept in each campaign's timeline."
            value={reason}
            maxLength={maxReasonLength}
            autosize
            minRows={2}
            onChange={(event) => setReason(event.currentTarget.value)}
          />
        </Stack>
      </ConfirmModal>
    </>
  );
}
