import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Progress,
  Stack,
  Stepper,
  Text,
  Title,
} from '@mantine/core';
import { useWindowEvent } from '@mantine/hooks';
import { IconArrowLeft, IconFileOff, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { FormErrorAlert } from '@/components/form-error-alert';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import { CardSkeleton } from '@/components/skeletons';
import { isApiError } from '@/lib/api-client';
import type { Me } from '@/lib/auth';
import { canEditContacts } from '@/lib/authorization';
import { formatBytes } from '@/lib/format';
import { useCreateImport } from '../api/create-import';
import { useContactFields } from '../api/get-contact-fields';
import { type Import, type ImportState } from '../api/get-import';
import { useTags } from '../api/get-tags';
import { type ImportUpload, useImportUpload } from '../hooks/use-import-upload';
import { useLiveImport } from '../hooks/use-live-import';
import { csvFileProblem } from '../utils/csv-file';
import { FileDropZone } from './file-drop-zone';
import { ImportProgressStep } from './import-progress-step';
import { ImportsHistory } from './imports-history';
import { MappingStep } from './mapping-step';

const stepOf: Record<ImportState, number> = {
  uploading: 0,
  mapping: 1,
  queued: 2,
  running: 2,
  completed: 3,
  failed: 3,
  cancelled: 3,
};

function ImportSteps({ active }: { active: number }) {
  return (
    <Stepper active={active} size="sm" allowNextStepsSelect={false} aria-label="Import steps">
      <Stepper.Step label="File" description="Send the CSV file" />
      <Stepper.Step label="Mapping" description="Say where each column goes" />
      <Stepper.Step label="Import" description="Contacts are created" />
    </Stepper>
  );
}

function UploadProgressCard({
  upload,
  onResume,
  onPause,
}: {
  upload: ImportUpload;
  onResume: () => void;
  onPause: () => void;
}) {
  const { sent, total, bytesPerSecond } = upload.progress;
  const percent = total > 0 ? (sent / total) * 100 : 100;
  const sending = upload.status === 'sending';
  return (
    <SectionCard title="Uploading" description={upload.file.name}>
      <Stack gap={6}>
        <Progress value={percent} size="xl" animated={sending} aria-label="Upload progress" />
        <Group justify="space-between" gap="xs">
          <Text size="sm" role="status">
            {upload.status === 'done'
              ? 'Reading the first rows…'
              : `${formatBytes(sent)} of ${formatBytes(total)} · ${Math.floor(percent)}%${upload.status === 'paused' ? ' · paused' : ''}`}
          </Text>
          {sending && bytesPerSecond !== null && (
            <Text size="sm" c="dimmed">
              {formatBytes(bytesPerSecond)}/s
            </Text>
          )}
        </Group>
      </Stack>
      {upload.status === 'failed' && (
        <Alert color="red" variant="light" role="alert" title="The upload stopped">
          <Stack gap="xs">
            <Text size="sm">
              {isApiError(upload.error) ? upload.error.message : 'Something went wrong.'} What was
              sent is kept; the upload goes on from there.
            </Text>
            <Group>
              <Button size="xs" onClick={onResume}>
                Resume upload
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {sending && (
        <Group justify="flex-end">
          <Button variant="default" onClick={onPause}>
            Pause upload
          </Button>
        </Group>
      )}
      {upload.status === 'paused' && (
        <Group justify="flex-end">
          <Button leftSection={<IconUpload size={16} aria-hidden />} onClick={onResume}>
            Resume upload
          </Button>
        </Group>
      )}
    </SectionCard>
  );
}

/** An upload that stopped (a reload, a closed tab): the same file is chosen again to go on. */
function ResumeUpload({
  imported,
  onResume,
}: {
  imported: Import;
  onResume: (file: File) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const mismatch =
    file && (file.name !== imported.filename || file.size !== imported.size_bytes)
      ? `This is not ${imported.filename} (${formatBytes(imported.size_bytes)}). Choose that file to go on.`
      : null;
  const percent =
    imported.size_bytes > 0 ? (imported.bytes_received / imported.size_bytes) * 100 : 0;
  return (
    <SectionCard
      title="Finish the upload"
      description={`${formatBytes(imported.bytes_received)} of ${formatBytes(imported.size_bytes)} of ${imported.filename} arrived before the upload stopped. Choose the same file to send the rest.`}
    >
      <Progress value={percent} size="lg" aria-label="Upload progress" />
      <FileDropZone file={file} onFile={setFile} error={mismatch} />
      <Group justify="flex-end">
        <Button
          leftSection={<IconUpload size={16} aria-hidden />}
          disabled={!file || mismatch !== null}
          onClick={() => file && onResume(file)}
        >
          Resume upload
        </Button>
      </Group>
    </SectionCard>
  );
}

function ImportDetail({
  importId,
  upload,
  onResume,
  onPause,
}: {
  importId: number;
  upload: ImportUpload | null;
  onResume: (imported: Import, file: File, offset: number) => void;
  onPause: () => void;
}) {
  const imported = useLiveImport(importId);
  const fields = useContactFields();
  const tags = useTags();

  if (imported.isPending) return <CardSkeleton lines={4} />;
  if (imported.isError) {
    return isApiError(imported.error) && imported.error.status === 404 ? (
      <Paper withBorder radius="md" p="xl">
        <EmptyState
          icon={<IconFileOff size={26} aria-hidden />}
          title="This import does not exist"
          description="It may belong to another workspace. Start a new one instead."
          action={
            <Button component={Link} to="/contacts/import" variant="light">
              New import
            </Button>
          }
        />
      </Paper>
    ) : (
      <ErrorState
        title="Couldn't load the import"
        error={imported.error}
        onRetry={() => void imported.refetch()}
        retrying={imported.isFetching}
      />
    );
  }

  const current = imported.data;
  const ownUpload = upload?.importId === current.id ? upload : null;
  let step;
  if (
    current.state === 'uploading' ||
    (ownUpload && current.state === 'mapping' && !current.preview)
  ) {
    step = ownUpload ? (
      <UploadProgressCard
        upload={ownUpload}
        onResume={() => onResume(current, ownUpload.file, ownUpload.progress.sent)}
        onPause={onPause}
      />
    ) : (
      <ResumeUpload
        imported={current}
        onResume={(file) => onResume(current, file, current.bytes_received)}
      />
    );
  } else if (current.state === 'mapping') {
    step = current.preview ? (
      <MappingStep
        imported={current}
        preview={current.preview}
        fields={fields.data ?? []}
        tagNames={(tags.data ?? []).map((tag) => tag.name)}
      />
    ) : (
      <CardSkeleton lines={4} />
    );
  } else {
    step = <ImportProgressStep imported={current} />;
  }

  return (
    <Stack gap="lg">
      <ImportSteps active={stepOf[current.state]} />
      {step}
    </Stack>
  );
}

/**
 * Importing contacts from a CSV file: choose and upload it (in chunks, resumable), map its
 * columns, then watch it run. `/contacts/import` starts one and lists recent ones;
 * `/contacts/import/{id}` continues one in whatever state it is.
 */
export function ImportPage({ me, importId }: { me: Me; importId: number | null }) {
  const editable = canEditContacts(me.role);
  const navigate = useNavigate();
  const createImport = useCreateImport();
  const { upload, send, pause } = useImportUpload();
  const [file, setFile] = useState<File | null>(null);
  const problem = file ? csvFileProblem(file) : null;

  // Closing the tab mid-upload loses nothing, but the person should know it stops.
  useWindowEvent('beforeunload', (event) => {
    if (upload?.status === 'sending') event.preventDefault();
  });

  const begin = () => {
    if (!file || problem) return;
    createImport.mutate(
      { filename: file.name, size_bytes: file.size },
      {
        onSuccess: (created) => {
          void navigate(`/contacts/import/${created.id}`);
          void send(created, file, created.bytes_received);
          setFile(null);
        },
      },
    );
  };

  return (
    <Stack gap="lg">
      <div>
        <Anchor component={Link} to="/contacts" size="sm">
          <Group gap={4} component="span">
            <IconArrowLeft size={14} aria-hidden />
            Contacts
          </Group>
        </Anchor>
        <Title order={1} size="h2" mt="xs">
          Import contacts
        </Title>
        <Text c="dimmed" size="sm">
          Bring contacts in from a CSV file: numbers in any common format, with names, tags, consent
          and custom fields.
        </Text>
      </div>

      {!editable ? (
        <RestrictedNotice>Only owners, admins and editors can import contacts.</RestrictedNotice>
      ) : importId !== null ? (
        <ImportDetail
          importId={importId}
          upload={upload}
          onResume={(imported, chosen, offset) => void send(imported, chosen, offset)}
          onPause={pause}
        />
      ) : (
        <Stack gap="lg">
          <ImportSteps active={0} />
          <SectionCard
            title="Choose a file"
            description="Export your list from a spreadsheet, shop or CRM as CSV. The file is sent in pieces, so a dropped connection costs nothing."
          >
            <FileDropZone file={file} onFile={setFile} error={problem} />
            <FormErrorAlert message={createImport.error?.message ?? null} />
            <Group justify="flex-end">
              <Button
                leftSection={<IconUpload size={16} aria-hidden />}
                disabled={!file || problem !== null}
                loading={createImport.isPending}
                onClick={begin}
              >
                Upload
              </Button>
            </Group>
          </SectionCard>
        </Stack>
      )}

      {importId === null && <ImportsHistory />}
    </Stack>
  );
}
