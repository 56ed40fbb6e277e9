import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '@/components/confirm-modal';
import { formatCount } from '@/lib/format';
import type { QueueStats } from '../api/get-queues';
import { usePauseQueue } from '../api/pause-queue';
import { useResumeQueue } from '../api/resume-queue';

/** Pause (after a confirmation) or resume a queue. */
export function PauseQueueButton({ queue }: { queue: QueueStats }) {
  const [confirming, setConfirming] = useState(false);
  const pause = usePauseQueue();
  const resume = useResumeQueue();

  if (queue.paused) {
    return (
      <Button
        size="sm"
        variant="light"
        leftSection={<IconPlayerPlay size={16} aria-hidden />}
        loading={resume.isPending}
        aria-label={`Resume ${queue.name}`}
        onClick={() =>
          resume.mutate(queue.name, {
            onSuccess: () =>
              notifications.show({
                color: 'teal',
                message: `The ${queue.name} queue is running again.`,
              }),
            onError: (error) =>
              notifications.show({
                color: 'red',
                title: `Couldn't resume ${queue.name}`,
                message: error.message,
              }),
          })
        }
      >
        Resume
      </Button>
    );
  }

  const close = () => {
    setConfirming(false);
    pause.reset();
  };

  return (
    <>
      <Button
        size="sm"
        variant="default"
        leftSection={<IconPlayerPause size={16} aria-hidden />}
        aria-label={`Pause ${queue.name}`}
        onClick={() => setConfirming(true)}
      >
        Pause
      </Button>
      <ConfirmModal
        opened={confirming}
        title={`Pause the ${queue.name} queue?`}
        confirmLabel="Pause queue"
        confirmColor="orange"
        pending={pause.isPending}
        error={pause.error?.message ?? null}
        onClose={close}
        onConfirm={() =>
          pause.mutate(queue.name, {
            onSuccess: () => {
              close();
              notifications.show({
                color: 'orange',
                message: `The ${queue.name} queue is paused; no new job starts until you resume it.`,
              });
            },
          })
        }
      >
        No new job of {queue.name} starts until you resume it; jobs keep queueing up meanwhile.
        {queue.running > 0 && ` The ${formatCount(queue.running, 'job')} running now will finish.`}
      </ConfirmModal>
    </>
  );
}
