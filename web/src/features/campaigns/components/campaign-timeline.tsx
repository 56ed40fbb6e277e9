import { Button, Group, Skeleton, Text, Timeline } from '@mantine/core';
import {
  IconAdjustments,
  IconAlertTriangle,
  IconCalendarEvent,
  IconCircleCheck,
  IconHandStop,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerStop,
  IconRocket,
  IconUserMinus,
  IconUserPlus,
  IconUsers,
} from '@tabler/icons-react';
import { memo, type ReactNode } from 'react';
import { formatDateTime } from '@/lib/format';
import { type CampaignEvent, useTimeline } from '../api/get-timeline';

const kinds: Record<string, { label: string; icon: ReactNode; color?: string }> = {
  created: { label: 'Created', icon: <IconPencil size={12} /> },
  scheduled: { label: 'Scheduled', icon: <IconCalendarEvent size={12} />, color: 'blue' },
  planned: { label: 'Audience planned', icon: <IconUsers size={12} /> },
  started: { label: 'Started', icon: <IconRocket size={12} />, color: 'green' },
  paused: { label: 'Paused', icon: <IconPlayerPause size={12} />, color: 'yellow' },
  resumed: { label: 'Resumed', icon: <IconPlayerPlay size={12} />, color: 'green' },
  speed_changed: { label: 'Speed changed', icon: <IconAdjustments size={12} /> },
  audience_added: { label: 'Recipients added', icon: <IconUserPlus size={12} /> },
  audience_excluded: { label: 'Recipients excluded', icon: <IconUserMinus size={12} /> },
  stopped: { label: 'Stopped', icon: <IconPlayerStop size={12} />, color: 'orange' },
  emergency_stopped: { label: 'Emergency stop', icon: <IconHandStop size={12} />, color: 'red' },
  completed: { label: 'Completed', icon: <IconCircleCheck size={12} />, color: 'teal' },
  failed: { label: 'Failed', icon: <IconAlertTriangle size={12} />, color: 'red' },
};

function eventLabel(kind: string): string {
  return kinds[kind]?.label ?? kind.replace(/_/g, ' ');
}

const TimelineEntry = memo(function TimelineEntry({ event }: { event: CampaignEvent }) {
  return (
    <>
      <Text size="sm" fw={600}>
        {eventLabel(event.kind)}
      </Text>
      {event.detail && (
        <Text size="sm" c="dimmed">
          {event.detail}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        <time dateTime={event.at}>{formatDateTime(event.at)}</time>
        {event.actor ? ` · ${event.actor.name}` : ''}
      </Text>
    </>
  );
});

/** The campaign's execution timeline, oldest first; new entries arrive live. */
export function CampaignTimeline({
  campaignId,
  pollMs,
}: {
  campaignId: number;
  pollMs: number | false;
}) {
  const timeline = useTimeline(campaignId, pollMs);
  if (timeline.isPending) return <Skeleton height={120} />;
  if (timeline.isError) {
    return (
      <Group gap="sm" role="alert">
        <Text size="sm" c="dimmed">
          The timeline could not be loaded.
        </Text>
        <Button size="compact-sm" variant="light" onClick={() => void timeline.refetch()}>
          Try again
        </Button>
      </Group>
    );
  }
  const events = timeline.data;
  return (
    <Timeline
      active={events.length - 1}
      bulletSize={22}
      lineWidth={2}
      aria-label="Timeline"
      role="list"
    >
      {events.map((event) => {
        const kind = kinds[event.kind];
        return (
          <Timeline.Item
            key={event.id}
            bullet={kind?.icon}
            color={kind?.color}
            role="listitem"
            aria-label={eventLabel(event.kind)}
          >
            <TimelineEntry event={event} />
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
