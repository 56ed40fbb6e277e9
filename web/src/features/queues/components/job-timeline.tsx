import { Code, Stack, Text, ThemeIcon, Timeline, UnstyledButton } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCheck,
  IconChevronDown,
  IconChevronRight,
  IconClock,
  IconPlayerPlay,
  IconRepeat,
} from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { formatMoment } from '../lib/format';
import type { JobDetail } from '../api/get-job';
import { type TimelineEntry, type TimelineTone, jobTimeline } from '../lib/timeline';

const toneIcons: Record<TimelineTone, { color: string; icon: ReactNode }> = {
  neutral: { color: 'gray', icon: <IconClock size={12} aria-hidden /> },
  progress: { color: 'blue', icon: <IconPlayerPlay size={12} aria-hidden /> },
  success: { color: 'teal', icon: <IconCheck size={12} aria-hidden /> },
  failure: { color: 'red', icon: <IconAlertTriangle size={12} aria-hidden /> },
  retry: { color: 'orange', icon: <IconRepeat size={12} aria-hidden /> },
};

function Trace({ trace }: { trace: string }) {
  const [opened, setOpened] = useState(false);
  return (
    <Stack gap={4}>
      <UnstyledButton
        onClick={() => setOpened((open) => !open)}
        aria-expanded={opened}
        fz="xs"
        c="dimmed"
      >
        {opened ? (
          <IconChevronDown size={12} aria-hidden />
        ) : (
          <IconChevronRight size={12} aria-hidden />
        )}{' '}
        {opened ? 'Hide trace' : 'Show trace'}
      </UnstyledButton>
      {opened && (
        <Code block fz="xs" style={{ whiteSpace: 'pre-wrap' }}>
          {trace}
        </Code>
      )}
    </Stack>
  );
}

function Entry({ entry }: { entry: TimelineEntry }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        {entry.at ? formatMoment(entry.at) : 'time unknown'}
        {entry.finishedAt && entry.finishedAt !== entry.at
          ? ` – ${formatMoment(entry.finishedAt)}`
          : ''}
        {entry.worker ? ` · worker ${entry.worker}` : ''}
      </Text>
      {entry.error && (
        <Text size="sm" c="red.8" style={{ overflowWrap: 'anywhere' }}>
          {entry.error}
        </Text>
      )}
      {entry.trace && <Trace trace={entry.trace} />}
    </Stack>
  );
}

/** The job's life: created, due, each failed attempt with its error and trace, the ending. */
export function JobTimeline({ job }: { job: JobDetail }) {
  const entries = jobTimeline(job);
  return (
    <Timeline bulletSize={22} lineWidth={2} aria-label="Timeline">
      {entries.map((entry) => (
        <Timeline.Item
          key={entry.key}
          title={entry.title}
          bullet={
            <ThemeIcon size={22} radius="xl" color={toneIcons[entry.tone].color}>
              {toneIcons[entry.tone].icon}
            </ThemeIcon>
          }
        >
          <Entry entry={entry} />
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
