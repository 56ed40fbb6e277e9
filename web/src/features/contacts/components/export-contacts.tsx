import { Alert, Button, Group, Modal, Progress, Stack, Text } from '@mantine/core';
import { IconDownload, IconFileExport } from '@tabler/icons-react';
import { useState } from 'react';
import { formatCount, formatNumber } from '@/lib/format';
import { useCreateExport } from '../api/create-export';
import { type ContactExport, exportDownloadUrl, isExportActive } from '../api/get-export';
import { useLiveExport } from '../hooks/use-live-export';
import { defaultSort, sortParam } from '../utils/contact-filter';

const defaultSortParam = sortParam(defaultSort);

interface ExportContactsProps {
  /** The page's filter by API names; every contact when empty. */
  filter: Record<string, string | string[]>;
  sort: string;
  /** Contacts matching the filter, when counted: the button says how many go out. */
  total: number | null;
}

function ExportProgress({ exported }: { exported: ContactExport }) {
  if (exported.state === 'failed') {
    return (
      <Alert color="red" variant="light" role="alert" title="The export failed">
        {exported.error ?? 'The server could not write the file. Try again.'}
      </Alert>
    );
  }
  if (exported.state === 'completed') {
    return (
      <Stack gap="sm">
        <Text size="sm">
          {formatCount(exported.rows, 'contact')} written to a CSV file with every column, the tags
          and each custom field.
        </Text>
        <Group>
          <Button
            component="a"
            href={exportDownloadUrl(exported.id)}
            download
            leftSection={<IconDownload size={16} aria-hidden />}
          >
            Download CSV
          </Button>
        </Group>
      </Stack>
    );
  }
  const percent =
    exported.total && exported.total > 0
      ? Math.min(100, (exported.rows / exported.total) * 100)
      : null;
  return (
    <Stack gap="xs">
      <Progress
        value={percent ?? 100}
        animated={percent === null}
        striped={percent === null}
        aria-label="Export progress"
        size="lg"
      />
      <Text size="sm" c="dimmed" role="status">
        {exported.state === 'queued'
          ? 'Waiting to start…'
          : exported.total !== null
            ? `${formatNumber(exported.rows)} of ${formatCount(exported.total, 'contact')} written`
            : `${formatCount(exported.rows, 'contact')} written`}
      </Text>
    </Stack>
  );
}

/**
 * The Export button: writes the contacts matching the page's filter to a CSV file on the
 * server, shows its progress live, then offers the download. Closing the dialog does not stop
 * the export; the button reopens it.
 */
export function ExportContacts({ filter, sort, total }: ExportContactsProps) {
  const createExport = useCreateExport();
  const [exportId, setExportId] = useState<number | null>(null);
  const [opened, setOpened] = useState(false);
  const live = useLiveExport(exportId);
  const running = live.data !== undefined && isExportActive(live.data.state);

  const start = () => {
    setOpened(true);
    createExport.mutate(
      {
        ...(Object.keys(filter).length > 0 ? { filter } : {}),
        // The server's own order is the list's default one; only another order is sent.
        ...(sort === defaultSortParam ? {} : { sort }),
      },
      { onSuccess: (created) => setExportId(created.id) },
    );
  };

  return (
    <>
      <Button
        variant="default"
        leftSection={<IconFileExport size={16} aria-hidden />}
        onClick={running ? () => setOpened(true) : start}
        loading={createExport.isPending}
      >
        {running ? 'Exporting…' : 'Export'}
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title={total !== null ? `Export ${formatCount(total, 'contact')}` : 'Export contacts'}
        centered
      >
        {createExport.isError ? (
          <Alert color="red" variant="light" role="alert" title="Couldn't start the export">
            {createExport.error.message}
          </Alert>
        ) : live.data ? (
          <ExportProgress exported={live.data} />
        ) : (
          <Text size="sm" c="dimmed" role="status">
            Starting the export…
          </Text>
        )}
      </Modal>
    </>
  );
}
