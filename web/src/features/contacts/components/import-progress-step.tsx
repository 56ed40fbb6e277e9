import { Alert, Button, Group, Paper, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconDownload,
  IconFileImport,
  IconPlayerStop,
  IconUsers,
} from '@tabler/icons-react';
import { Link } from 'react-router';
import { ConfirmModal } from '@/components/confirm-modal';
import { SectionCard } from '@/components/section-card';
import { formatCount, formatDuration, formatNumber } from '@/lib/format';
import { useCancelImport } from '../api/cancel-import';
import {
  type Import,
  type ImportProgress,
  importErrorsUrl,
  isImportActive,
} from '../api/get-import';
import { ImportStateBadge } from './import-state-badge';

const noProgress: ImportProgress = {
  rows: 0,
  created: 0,
  updated: 0,
  skipped: 0,
  failed: 0,
  bytes: 0,
  rows_per_second: 0,
  eta_seconds: null,
};

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Paper withBorder radius="md" p="sm" role="group" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {formatNumber(value)}
      </Text>
    </Paper>
  );
}

/** `/contacts?tag=a&tag=b`: the contacts this import tagged, or all contacts without tags. */
function importedContactsLink(imported: Import): string {
  const tags = imported.settings?.tags ?? [];
  if (tags.length === 0) return '/contacts';
  const search = new URLSearchParams();
  for (const tag of tags) search.append('tag', tag);
  return `/contacts?${search.toString()}`;
}

function Summary({ imported, progress }: { imported: Import; progress: ImportProgress }) {
  const counts = `${formatNumber(progress.created)} created, ${formatNumber(progress.updated)} updated, ${formatNumber(progress.skipped)} skipped, ${formatNumber(progress.failed)} failed`;
  const alert =
    imported.state === 'completed' ? (
      <Alert
        color={progress.failed > 0 ? 'yellow' : 'teal'}
        variant="light"
        icon={<IconCircleCheck size={18} aria-hidden />}
        title={`Imported ${formatCount(progress.rows, 'row')}`}
      >
        {counts}.
        {progress.failed > 0 &&
          ' The error report lists each failed row with its line number and the reason.'}
      </Alert>
    ) : imported.state === 'failed' ? (
      <Alert
        color="red"
        variant="light"
        icon={<IconAlertTriangle size={18} aria-hidden />}
        title="The import stopped with an error"
      >
        {imported.error ?? 'The server could not finish the import.'} Rows imported before it
        stopped stay: {counts}.
      </Alert>
    ) : (
      <Alert color="orange" variant="light" title="The import was cancelled">
        Rows imported before the cancel stay: {counts}.
      </Alert>
    );

  return (
    <Stack gap="md">
      {alert}
      <Group gap="sm">
        <Button
          component={Link}
          to={importedContactsLink(imported)}
          leftSection={<IconUsers size={16} aria-hidden />}
        >
          View imported contacts
        </Button>
        {progress.failed > 0 && (
          <Button
            component="a"
            href={importErrorsUrl(imported.id)}
            download
            variant="default"
            leftSection={<IconDownload size={16} aria-hidden />}
          >
            Download error report
          </Button>
        )}
        <Button
          component={Link}
          to="/contacts/import"
          variant="subtle"
          leftSection={<IconFileImport size={16} aria-hidden />}
        >
          Import another file
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * Step 3 of an import: live progress while it runs (rows, counts, speed, time left) with a way
 * to cancel it, then what came of it.
 */
export function ImportProgressStep({ imported }: { imported: Import }) {
  const cancel = useCancelImport();
  const [confirmOpened, confirm] = useDisclosure(false);
  const progress = imported.progress ?? noProgress;
  const active = isImportActive(imported.state);
  const percent =
    imported.state === 'completed'
      ? 100
      : imported.size_bytes > 0
        ? Math.min(100, (progress.bytes / imported.size_bytes) * 100)
        : 0;

  return (
    <SectionCard
      title={active ? 'Importing' : 'Import finished'}
      description={imported.filename}
      actions={<ImportStateBadge state={imported.state} />}
    >
      <Stack gap={6}>
        <Progress
          value={imported.state === 'queued' ? 100 : percent}
          striped={active}
          animated={active}
          color={imported.state === 'queued' ? 'gray' : undefined}
          size="xl"
          aria-label="Import progress"
        />
        <Group justify="space-between" gap="xs">
          <Text size="sm" role="status">
            {imported.state === 'queued'
              ? 'Waiting for a worker to start…'
              : `${formatCount(progress.rows, 'row')} done · ${Math.floor(percent)}%`}
          </Text>
          {imported.state === 'running' && progress.rows_per_second !== null && (
            <Text size="sm" c="dimmed">
              {formatNumber(Math.round(progress.rows_per_second))} rows/s
              {progress.eta_seconds !== null &&
                ` · about ${formatDuration(progress.eta_seconds)} left`}
            </Text>
          )}
        </Group>
      </Stack>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Stat label="Created" value={progress.created} color="teal" />
        <Stat label="Updated" value={progress.updated} />
        <Stat label="Skipped" value={progress.skipped} />
        <Stat
          label="Failed"
          value={progress.failed}
          color={progress.failed > 0 ? 'red' : undefined}
        />
      </SimpleGrid>
      {active ? (
        <Group justify="flex-end">
          <Button
            variant="default"
            color="red"
            leftSection={<IconPlayerStop size={16} aria-hidden />}
            onClick={confirm.open}
          >
            Cancel import
          </Button>
        </Group>
      ) : (
        <Summary imported={imported} progress={progress} />
      )}
      <ConfirmModal
        opened={confirmOpened}
        title="Cancel this import?"
        confirmLabel="Cancel import"
        cancelLabel="Keep importing"
        pending={cancel.isPending}
        error={cancel.error?.message ?? null}
        onClose={() => {
          cancel.reset();
          confirm.close();
        }}
        onConfirm={() => cancel.mutate(imported.id, { onSuccess: confirm.close })}
      >
        The rest of the file is skipped. The {formatCount(progress.rows, 'row')} already imported
        stay as they are.
      </ConfirmModal>
    </SectionCard>
  );
}
