import { Button, CloseButton, Group, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { type DragEvent, useId, useRef, useState } from 'react';
import { formatBytes } from '@/lib/format';
import { acceptedFileTypes } from '../utils/csv-file';

interface FileDropZoneProps {
  file: File | null;
  onFile: (file: File | null) => void;
  disabled?: boolean;
  /** Why the chosen file cannot be used, shown under the zone. */
  error?: string | null;
  description?: string;
}

/** Where a CSV file is dropped or chosen; shows the chosen file's name and size. */
export function FileDropZone({
  file,
  onFile,
  disabled = false,
  error,
  description,
}: FileDropZoneProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const descriptionId = useId();

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const dropped = event.dataTransfer.files[0];
    if (dropped) onFile(dropped);
  };

  return (
    <Stack gap={6}>
      <Paper
        withBorder
        radius="md"
        p="xl"
        role="group"
        aria-label="CSV file drop zone"
        aria-describedby={file ? undefined : descriptionId}
        onDragOver={(event) => {
          event.preventDefault();
          if (!disabled) setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: over
            ? 'var(--mantine-primary-color-filled)'
            : error
              ? 'var(--mantine-color-error)'
              : undefined,
          background: over ? 'var(--mantine-primary-color-light)' : undefined,
        }}
      >
        <input
          ref={input}
          type="file"
          accept={acceptedFileTypes}
          aria-label="CSV file"
          hidden
          onChange={(event) => {
            const chosen = event.currentTarget.files?.[0] ?? null;
            event.currentTarget.value = '';
            if (chosen) onFile(chosen);
          }}
        />
        {file ? (
          <Group justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
              <ThemeIcon size={40} radius="md" variant="light">
                <IconFileSpreadsheet size={22} aria-hidden />
              </ThemeIcon>
              <div style={{ minWidth: 0 }}>
                <Text fw={600} truncate>
                  {file.name}
                </Text>
                <Text size="sm" c="dimmed">
                  {formatBytes(file.size)}
                </Text>
              </div>
            </Group>
            {!disabled && (
              <CloseButton aria-label={`Remove ${file.name}`} onClick={() => onFile(null)} />
            )}
          </Group>
        ) : (
          <Stack align="center" gap="xs" ta="center">
            <ThemeIcon size={48} radius="xl" variant="light">
              <IconUpload size={24} aria-hidden />
            </ThemeIcon>
            <Text fw={600}>Drag a CSV file here</Text>
            <Text size="sm" c="dimmed" id={descriptionId}>
              {description ??
                'Any size. One row per contact, with a phone number in one column; the first row may name the columns.'}
            </Text>
            <Button variant="light" onClick={() => input.current?.click()} disabled={disabled}>
              Choose a file
            </Button>
          </Stack>
        )}
      </Paper>
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
