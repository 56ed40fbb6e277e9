import { Alert, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { IconFilterOff, IconPlus } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { TableSkeleton } from '@/components/skeletons';
import type { Me } from '@/lib/auth';
import { canEditCampaigns } from '@/lib/authorization';
import type { CampaignState } from '../api/get-campaign';
import { type CampaignListParams, useCampaigns } from '../api/get-campaigns';
import { usePhoneNumbers } from '../api/get-phone-numbers';
import { useCampaignUpdates, usePollInterval } from '../hooks/use-campaign-updates';
import { campaignStates, stateLabels } from '../lib/states';
import { CampaignsEmptyState } from './campaigns-empty-state';
import { CampaignsTable } from './campaigns-table';
import { EmergencyStopButton } from './emergency-stop-button';
import { SearchBox } from './search-box';

const stateOptions = [
  { value: '', label: 'All states' },
  ...campaignStates.map((state) => ({ value: state, label: stateLabels[state] })),
];

/** The list's filters, kept in the URL with the API's names (`?state=running&q=promo`). */
function readListParams(search: URLSearchParams): CampaignListParams {
  const state = search.get('state');
  const q = search.get('q')?.trim() ?? '';
  return {
    ...(campaignStates.includes(state as CampaignState) ? { state: state as CampaignState } : {}),
    ...(q !== '' ? { q } : {}),
  };
}

function writeListParams(params: CampaignListParams): URLSearchParams {
  const search = new URLSearchParams();
  if (params.state) search.set('state', params.state);
  if (params.q) search.set('q', params.q);
  return search;
}

/**
 * The campaigns: filters by state and name, each with its live progress (from
 * `campaign.updated`; polled only while the live connection is down), and for editors the way
 * to a new campaign and the emergency stop.
 */
export function CampaignsPage({ me }: { me: Me }) {
  const editable = canEditCampaigns(me.role);
  const [searchParams, setSearchParams] = useSearchParams();
  const params = useMemo(() => readListParams(searchParams), [searchParams]);
  const campaigns = useCampaigns(params, usePollInterval());
  const rows = useMemo(
    () => campaigns.data?.pages.flatMap((page) => page.data) ?? [],
    [campaigns.data],
  );
  useCampaignUpdates();
  const phoneNumbers = usePhoneNumbers();
  const numbers = useMemo(
    () => new Map((phoneNumbers.data ?? []).map((number) => [number.id, number.display_number])),
    [phoneNumbers.data],
  );
  const filtered = params.state !== undefined || params.q !== undefined;
  const setParams = (next: CampaignListParams) =>
    setSearchParams(writeListParams(next), { replace: true });

  let body;
  if (campaigns.isPending) {
    body = (
      <Paper withBorder radius="md" p="xs">
        <TableSkeleton columns={7} rows={5} />
      </Paper>
    );
  } else if (campaigns.isError && rows.length === 0) {
    body = (
      <ErrorState
        title="Couldn't load campaigns"
        error={campaigns.error}
        onRetry={() => void campaigns.refetch()}
        retrying={campaigns.isFetching}
      />
    );
  } else if (rows.length === 0 && !campaigns.isPlaceholderData) {
    body = filtered ? (
      <Paper withBorder radius="md" p="xl">
        <EmptyState
          icon={<IconFilterOff size={26} aria-hidden />}
          title="No campaigns match"
          description="Choose another state or clear the search to see every campaign."
          action={
            <Button variant="light" onClick={() => setParams({})}>
              Clear filters
            </Button>
          }
        />
      </Paper>
    ) : (
      <CampaignsEmptyState editable={editable} />
    );
  } else {
    body = (
      <Stack gap="xs">
        <Paper withBorder radius="md">
          <CampaignsTable campaigns={rows} numbers={numbers} stale={campaigns.isPlaceholderData} />
        </Paper>
        {campaigns.isFetchNextPageError && (
          <Alert color="red" variant="light" role="alert">
            Couldn't load more campaigns. {campaigns.error.message}
          </Alert>
        )}
        {campaigns.hasNextPage && (
          <Group justify="center">
            <Button
              variant="default"
              onClick={() => void campaigns.fetchNextPage()}
              loading={campaigns.isFetchingNextPage}
            >
              Load older campaigns
            </Button>
          </Group>
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <div>
          <Title order={1} size="h2">
            Campaigns
          </Title>
          <Text c="dimmed" size="sm">
            Send a message to many contacts and watch it deliver live.
          </Text>
        </div>
        {editable && (
          <Group gap="sm">
            <EmergencyStopButton />
            <Button
              component={Link}
              to="/campaigns/new"
              leftSection={<IconPlus size={16} aria-hidden />}
            >
              New campaign
            </Button>
          </Group>
        )}
      </Group>
      <Group gap="sm" wrap="wrap" role="search" aria-label="Filter campaigns">
        <SearchBox
          value={params.q ?? ''}
          onSearch={(q) => setParams({ ...params, q: q === '' ? undefined : q })}
          label="Search campaigns"
          placeholder="Search by name"
          pageSearch
        />
        <Select
          aria-label="State"
          data={stateOptions}
          value={params.state ?? ''}
          allowDeselect={false}
          onChange={(value) =>
            setParams({
              ...params,
              state: value ? (value as CampaignState) : undefined,
            })
          }
          w={180}
        />
      </Group>
      {body}
    </Stack>
  );
}
