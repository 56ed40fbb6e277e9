import { Button, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerStop,
  IconUsersPlus,
} from '@tabler/icons-react';
import { ConfirmModal } from '@/components/confirm-modal';
import { formatCount } from '@/lib/format';
import type { Campaign } from '../api/get-campaign';
import { usePauseCampaign } from '../api/pause-campaign';
import { useResumeCampaign } from '../api/resume-campaign';
import { useStopCampaign } from '../api/stop-campaign';
import { canChangeAudience, canChangeSpeed, canPause, canResume, canStop } from '../lib/states';
import { AudienceChangeModal } from './audience-change-modal';
import { SpeedControl } from './speed-control';

function failed(action: string) {
  return (error: Error) =>
    notifications.show({ color: 'red', title: `Couldn't ${action}`, message: error.message });
}

/**
 * Pause, resume, stop, speed and audience for a campaign that has been launched. Each button
 * is busy until the server answers; the state shown changes with that answer, never before.
 */
export function CampaignControls({
  campaign,
  maxSpeed,
}: {
  campaign: Campaign;
  /** The senders' summed throughput. */
  maxSpeed: number;
}) {
  const pause = usePauseCampaign();
  const resume = useResumeCampaign();
  const stop = useStopCampaign();
  const [stopOpened, stopModal] = useDisclosure(false);
  const [audienceOpened, audienceModal] = useDisclosure(false);
  const state = campaign.state;
  const notSent = campaign.counters.queued + campaign.counters.sending;
  const busy = pause.isPending || resume.isPending || stop.isPending;

  return (
    <Group gap="xs" role="group" aria-label="Campaign controls">
      {canPause(state) && (
        <Button
          variant="default"
          leftSection={<IconPlayerPause size={16} aria-hidden />}
          loading={pause.isPending}
          disabled={busy && !pause.isPending}
          onClick={() => pause.mutate(campaign.id, { onError: failed('pause the campaign') })}
        >
          Pause
        </Button>
      )}
      {canResume(state) && (
        <Button
          variant="default"
          leftSection={<IconPlayerPlay size={16} aria-hidden />}
          loading={resume.isPending}
          disabled={busy && !resume.isPending}
          onClick={() => resume.mutate(campaign.id, { onError: failed('resume the campaign') })}
        >
          Resume
        </Button>
      )}
      {canChangeSpeed(state) && <SpeedControl campaign={campaign} maxSpeed={maxSpeed} />}
      {canChangeAudience(state) && (
        <Button
          variant="default"
          leftSection={<IconUsersPlus size={16} aria-hidden />}
          onClick={audienceModal.open}
        >
          Audience
        </Button>
      )}
      {canStop(state) && (
        <Button
          color="red"
          variant="light"
          leftSection={<IconPlayerStop size={16} aria-hidden />}
          loading={stop.isPending}
          disabled={busy && !stop.isPending}
          onClick={stopModal.open}
        >
          Stop
        </Button>
      )}
      <ConfirmModal
        opened={stopOpened}
        title={`Stop ${campaign.name}?`}
        confirmLabel="Stop campaign"
        pending={stop.isPending}
        error={stop.error ? stop.error.message : null}
        onClose={() => {
          stopModal.close();
          stop.reset();
        }}
        onConfirm={() => stop.mutate(campaign.id, { onSuccess: stopModal.close })}
      >
        {notSent > 0 ? `${formatCount(notSent, 'recipient')} not sent yet will be cancelled. ` : ''}
        A stopped campaign cannot be resumed; duplicate it to send again.
      </ConfirmModal>
      <AudienceChangeModal
        campaignId={campaign.id}
        opened={audienceOpened}
        onClose={audienceModal.close}
      />
    </Group>
  );
}
