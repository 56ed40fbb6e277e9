import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconArrowLeft, IconPencil } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorState } from '@/components/error-state';
import { SectionCard } from '@/components/section-card';
import { isApiError } from '@/lib/api-client';
import type { Me } from '@/lib/auth';
import { canEditCampaigns } from '@/lib/authorization';
import { formatCount, formatDateTime, formatDuration } from '@/lib/format';
import { type Campaign, campaignMessage, campaignSchedule } from '../api/get-campaign';
import { usePhoneNumbers } from '../api/get-phone-numbers';
import type { RecipientParams, RecipientState } from '../api/get-recipients';
import { useTemplates } from '../api/get-templates';
import { useLiveCampaign } from '../hooks/use-live-campaign';
import {
  describeAudience,
  describeGoal,
  describeQuietHours,
  describeSchedule,
} from '../lib/describe';
import { formatMps } from '../lib/progress';
import { canEdit, recipientStates } from '../lib/states';
import { CampaignActions } from './campaign-actions';
import { CampaignCharts } from './campaign-charts';
import { CampaignControls } from './campaign-controls';
import { CampaignCounters } from './campaign-counters';
import { CampaignProgress } from './campaign-progress';
import { CampaignStateBadge } from './campaign-state-badge';
import { CampaignTimeline } from './campaign-timeline';
import { ConversionFunnel } from './conversion-funnel';
import { FailuresList } from './failures-list';
import { RecipientsTable } from './recipients-table';

function readRecipientParams(search: URLSearchParams): RecipientParams {
  const state = search.get('state');
  const q = search.get('q')?.trim() ?? '';
  return {
    ...(recipientStates.includes(state as RecipientState)
      ? { state: state as RecipientState }
      : {}),
    ...(q !== '' ? { q } : {}),
  };
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div role="group" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="lg" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Text>
    </div>
  );
}

function Settings({
  campaign,
  numbers,
}: {
  campaign: Campaign;
  numbers: ReadonlyMap<number, string>;
}) {
  const templates = useTemplates();
  const message = campaignMessage(campaign);
  const template =
    message?.kind === 'template'
      ? templates.data?.find((candidate) => candidate.id === message.template_id)
      : undefined;
  const rows: [string, string][] = [
    ['Audience', describeAudience(campaign.audience)],
    [
      'Message',
      message === null
        ? 'Not chosen yet'
        : message.kind === 'text'
          ? 'Free-form text (24-hour window)'
          : template
            ? `Template ${template.name} (${template.language})`
            : `Template #${message.template_id} (${message.language})`,
    ],
    ['Senders', campaign.senders.map((id) => numbers.get(id) ?? `#${id}`).join(', ') || 'None yet'],
    ['Schedule', describeSchedule(campaignSchedule(campaign))],
    ['Quiet hours', describeQuietHours(campaign.quiet_hours)],
    ['Goal', describeGoal(campaign.goal)],
    [
      'Created',
      `${formatDateTime(campaign.created_at)}${campaign.created_by ? ` by ${campaign.created_by.name}` : ''}`,
    ],
  ];
  if (campaign.started_at) rows.push(['Started', formatDateTime(campaign.started_at)]);
  if (campaign.finished_at) rows.push(['Finished', formatDateTime(campaign.finished_at)]);
  return (
    <Table aria-label="Campaign settings" variant="vertical" layout="fixed" withRowBorders={false}>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={110}>{label}</Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * A campaign as it runs: state and controls, counters, progress, rate and ETA, charts, the
 * funnel, failures by error, the timeline and every recipient, all live.
 */
export function CampaignDashboardPage({ me, campaignId }: { me: Me; campaignId: number }) {
  const editable = canEditCampaigns(me.role);
  const { campaign, series, interval, pollMs, live } = useLiveCampaign(campaignId);
  const phoneNumbers = usePhoneNumbers();
  const [searchParams, setSearchParams] = useSearchParams();
  const recipientParams = useMemo(() => readRecipientParams(searchParams), [searchParams]);
  const numbers = useMemo(
    () => new Map((phoneNumbers.data ?? []).map((number) => [number.id, number.display_number])),
    [phoneNumbers.data],
  );
  const data = campaign.data;
  const maxSpeed = useMemo(() => {
    if (!data || !phoneNumbers.data) return data?.speed_mps ?? 1;
    const chosen = phoneNumbers.data.filter((number) => data.senders.includes(number.id));
    return chosen.reduce((sum, number) => sum + number.throughput_mps, 0) || data.speed_mps;
  }, [data, phoneNumbers.data]);

  const back = (
    <Anchor component={Link} to="/campaigns" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} aria-hidden />
        Campaigns
      </Group>
    </Anchor>
  );

  if (campaign.isPending) {
    return (
      <Stack gap="md">
        {back}
        <Skeleton height={36} width={280} />
        <Skeleton height={120} />
      </Stack>
    );
  }
  if (campaign.isError) {
    const missing = isApiError(campaign.error) && campaign.error.status === 404;
    return (
      <Stack gap="md">
        {back}
        <ErrorState
          title={missing ? 'This campaign does not exist' : "Couldn't load the campaign"}
          error={campaign.error}
          onRetry={missing ? undefined : () => void campaign.refetch()}
          retrying={campaign.isFetching}
        />
      </Stack>
    );
  }

  const current = campaign.data;
  const running = current.state === 'running';
  const draft = current.state === 'draft';
  const onRecipientParams = (next: RecipientParams) => {
    const search = new URLSearchParams();
    if (next.state) search.set('state', next.state);
    if (next.q) search.set('q', next.q);
    setSearchParams(search, { replace: true });
  };

  return (
    <Stack gap="md">
      {back}
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Group gap="sm" wrap="wrap">
            <Title order={1} size="h2">
              {current.name}
            </Title>
            <span role="status" aria-label="Campaign state">
              <CampaignStateBadge state={current.state} size="lg" />
            </span>
          </Group>
          <Group gap="xs">
            <Tooltip
              label={
                live
                  ? 'Figures arrive over the live connection as they change.'
                  : 'The live connection is down: the page asks the server every few seconds.'
              }
            >
              <Badge variant="dot" color={live ? 'green' : 'gray'} size="sm">
                {live ? 'Live' : 'Refreshing every few seconds'}
              </Badge>
            </Tooltip>
          </Group>
        </Stack>
        {editable && (
          <Group gap="xs" wrap="wrap">
            {!draft && <CampaignControls campaign={current} maxSpeed={maxSpeed} />}
            {canEdit(current.state) && (
              <Button
                component={Link}
                to={`/campaigns/${current.id}/edit`}
                variant={draft ? 'filled' : 'default'}
                leftSection={<IconPencil size={16} aria-hidden />}
              >
                {draft ? 'Edit and launch' : 'Edit'}
              </Button>
            )}
            <CampaignActions campaign={current} />
          </Group>
        )}
      </Group>

      {current.error && (
        <Alert color="red" variant="light" role="alert" title="The campaign failed">
          {current.error}
        </Alert>
      )}

      {draft ? (
        <Paper withBorder radius="md" p="lg">
          <Text size="sm">
            This campaign is a draft: nothing has been sent.{' '}
            {editable
              ? 'Finish it in the editor and launch it from there.'
              : 'An editor can finish and launch it.'}
          </Text>
        </Paper>
      ) : (
        <Paper withBorder radius="md" p="lg" component="section" aria-label="Progress">
          <Stack gap="md">
            <CampaignProgress counters={current.counters} label={current.name} size="xl" />
            <Group gap="xl" wrap="wrap">
              <Stat
                label="Current rate"
                value={running ? formatMps(current.rate.current_mps) : '—'}
              />
              <Stat
                label="Time left"
                value={
                  running && current.rate.eta_seconds !== null
                    ? formatDuration(current.rate.eta_seconds)
                    : '—'
                }
              />
              <Stat label="Speed" value={formatMps(current.speed_mps)} />
              <Stat label="Senders" value={formatCount(current.senders.length, 'number')} />
            </Group>
          </Stack>
        </Paper>
      )}

      <CampaignCounters counters={current.counters} />

      {!draft && (
        <SectionCard title="Activity">
          <CampaignCharts series={series} interval={interval} />
        </SectionCard>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <SectionCard title="Funnel" description="Each stage as a share of the messages sent.">
          <ConversionFunnel counters={current.counters} />
        </SectionCard>
        <SectionCard title="Failures" description="Failed messages by WhatsApp error.">
          <FailuresList campaignId={current.id} pollMs={pollMs} />
        </SectionCard>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <SectionCard title="Timeline">
          <CampaignTimeline campaignId={current.id} pollMs={pollMs} />
        </SectionCard>
        <SectionCard title="Settings">
          <Settings campaign={current} numbers={numbers} />
        </SectionCard>
      </SimpleGrid>

      <SectionCard title="Recipients">
        <RecipientsTable
          campaignId={current.id}
          params={recipientParams}
          onParamsChange={onRecipientParams}
        />
      </SectionCard>
    </Stack>
  );
}
