import { Badge, Group, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconCalendarTime,
  IconGauge,
  IconListDetails,
  IconStack2,
  IconAlertTriangle,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { RestrictedNotice } from '@/components/restricted-notice';
import type { Me } from '@/lib/auth';
import { canViewOperations } from '@/lib/authorization';
import { formatCount } from '@/lib/format';
import { useLiveQueues } from '../hooks/use-live-queues';
import { useNumberLimited } from '../hooks/use-number-limited';
import { JobsPanel } from './jobs-panel';
import { QueuesOverview } from './queues-overview';
import { RateLimitsPanel } from './rate-limits-panel';
import { SchedulesPanel } from './schedules-panel';

const sections = ['queues', 'jobs', 'schedules', 'rate-limits'] as const;
type Section = (typeof sections)[number];

function sectionFrom(value: string | null): Section {
  return (sections as readonly string[]).includes(value ?? '') ? (value as Section) : 'queues';
}

function Heading({ children }: { children?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
      <div>
        <Title order={1} size="h2">
          Operations
        </Title>
        <Text c="dimmed" size="sm">
          Background work: queues and their workers, jobs, schedules and sending limits.
        </Text>
      </div>
      {children}
    </Group>
  );
}

function LiveBadge({ live }: { live: boolean }) {
  return live ? (
    <Tooltip label="Queue figures arrive every second over the live connection.">
      <Badge color="teal" variant="dot" size="lg" role="status">
        Live
      </Badge>
    </Tooltip>
  ) : (
    <Tooltip label="The live connection is not delivering; figures refresh every few seconds instead.">
      <Badge color="gray" variant="dot" size="lg" role="status">
        Refreshing every few seconds
      </Badge>
    </Tooltip>
  );
}

function Operations() {
  const [params, setParams] = useSearchParams();
  const section = sectionFrom(params.get('tab'));
  const { queues, live } = useLiveQueues();
  useNumberLimited((event, message) =>
    notifications.show({
      color: event.event === 'rate_reduced' ? 'orange' : 'red',
      title: 'Sender number limited',
      message: event.detail ? `${message}. ${event.detail}` : `${message}.`,
      icon: <IconAlertTriangle size={18} aria-hidden />,
      autoClose: 12_000,
      closeButtonProps: { 'aria-label': 'Dismiss notification' },
    }),
  );
  const failed = queues.data?.data.reduce((sum, queue) => sum + queue.failed, 0) ?? 0;

  return (
    <Stack gap="lg">
      <Heading>
        <LiveBadge live={live} />
      </Heading>
      {/* Each section is in the URL, so that a section (and a job) can be linked to. */}
      <Tabs
        value={section}
        onChange={(value) => {
          const next = sectionFrom(value);
          setParams(next === 'queues' ? {} : { tab: next });
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label="Operations sections">
          <Tabs.Tab value="queues" leftSection={<IconStack2 size={16} aria-hidden />}>
            Queues
          </Tabs.Tab>
          <Tabs.Tab
            value="jobs"
            leftSection={<IconListDetails size={16} aria-hidden />}
            rightSection={
              failed > 0 ? (
                <Badge
                  color="red"
                  size="sm"
                  variant="light"
                  title={formatCount(failed, 'failed job')}
                >
                  {failed}
                </Badge>
              ) : null
            }
          >
            Jobs
          </Tabs.Tab>
          <Tabs.Tab value="schedules" leftSection={<IconCalendarTime size={16} aria-hidden />}>
            Schedules
          </Tabs.Tab>
          <Tabs.Tab value="rate-limits" leftSection={<IconGauge size={16} aria-hidden />}>
            Rate limits
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="queues" pt="lg">
          {section === 'queues' && <QueuesOverview />}
        </Tabs.Panel>
        <Tabs.Panel value="jobs" pt="lg">
          {section === 'jobs' && <JobsPanel />}
        </Tabs.Panel>
        <Tabs.Panel value="schedules" pt="lg">
          {section === 'schedules' && <SchedulesPanel />}
        </Tabs.Panel>
        <Tabs.Panel value="rate-limits" pt="lg">
          {section === 'rate-limits' && <RateLimitsPanel />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/**
 * The Operations page (owners and admins): queues live, jobs, schedules and rate limits.
 * Others see why it is closed to them, and the server is not asked.
 */
export function OperationsPage({ me }: { me: Me }) {
  if (!canViewOperations(me.role)) {
    return (
      <Stack gap="lg">
        <Heading />
        <RestrictedNotice>
          Only owners and admins can see the queues, jobs, schedules and rate limits.
        </RestrictedNotice>
      </Stack>
    );
  }
  return <Operations />;
}
