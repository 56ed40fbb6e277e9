import {
  Alert,
  Anchor,
  Button,
  Group,
  NativeSelect,
  Radio,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
} from '@mantine/core';
import { IconAlertTriangle, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { FormErrorAlert } from '@/components/form-error-alert';
import { SectionCard } from '@/components/section-card';
import { isApiError } from '@/lib/api-client';
import { formatCount } from '@/lib/format';
import type { ConsentState } from '../api/get-contact';
import type { ContactField } from '../api/get-contact-fields';
import type { DedupeMode, Import, ImportPreview, NewFieldSpec } from '../api/get-import';
import { useStartImport } from '../api/start-import';
import { consentOptions } from '../utils/consent';
import { fieldTypeLabels } from '../utils/field-values';
import {
  buildMapping,
  ignoreTarget,
  initialTargets,
  mappingProblems,
  newFieldTarget,
  previewTable,
  targetOptions,
} from '../utils/import-mapping';
import { NewFieldModal } from './new-field-modal';
import { TagInput } from './tag-input';

interface MappingStepProps {
  imported: Import;
  preview: ImportPreview;
  fields: ContactField[];
  tagNames: string[];
}

const dedupeOptions: { value: DedupeMode; label: string; description: string }[] = [
  {
    value: 'update',
    label: 'Update existing contacts',
    description: 'A number already in Kirim gets the mapped columns’ values and the tags below.',
  },
  {
    value: 'skip',
    label: 'Skip existing contacts',
    description: 'A number already in Kirim is left exactly as it is; only new numbers are added.',
  },
];

/** The options with "Create new field…" named after the field this column makes. */
function withNewFieldLabel(options: ReturnType<typeof targetOptions>, label: string) {
  return options.map((group) => ({
    ...group,
    items: group.items.map((item) => (item.value === newFieldTarget ? { ...item, label } : item)),
  }));
}

function describeStartError(error: unknown): string {
  if (!isApiError(error)) return 'Something went wrong. Try again.';
  const details = Object.entries(error.details).map(([field, reason]) => `${field}: ${reason}`);
  return details.length > 0 ? `${error.message} (${details.join('; ')})` : error.message;
}

/**
 * Step 2 of an import: the first rows of the file with a select above each column saying where
 * it goes, and the import's options. Starting checks that exactly one column is the phone.
 */
export function MappingStep({ imported, preview, fields, tagNames }: MappingStepProps) {
  const startImport = useStartImport();
  const saved = imported.settings;
  const [hasHeader, setHasHeader] = useState(saved?.has_header ?? preview.has_header);
  const table = previewTable(preview, hasHeader);
  const [initial] = useState(() =>
    initialTargets(
      saved?.mapping.length ? saved.mapping : preview.suggested_mapping,
      table.columns.length,
    ),
  );
  const [targets, setTargets] = useState(initial.targets);
  const [newFields, setNewFields] = useState<Record<number, NewFieldSpec>>(initial.newFields);
  const [dedupe, setDedupe] = useState<DedupeMode>(saved?.dedupe ?? 'update');
  const [tags, setTags] = useState<string[]>(saved?.tags ?? []);
  const [consent, setConsent] = useState<ConsentState>(saved?.consent ?? 'unknown');
  const [editingColumn, setEditingColumn] = useState<number | null>(null);
  const [showProblems, setShowProblems] = useState(false);

  const problems = mappingProblems(targets, table.columns, fields);
  const hasProblems = problems.general.length > 0;
  const options = targetOptions(fields);
  const mappedCount = targets.filter((target) => target !== ignoreTarget).length;

  const setTarget = (column: number, target: string) =>
    setTargets((current) => current.map((value, index) => (index === column ? target : value)));

  const start = () => {
    if (hasProblems) {
      setShowProblems(true);
      return;
    }
    startImport.mutate({
      id: imported.id,
      mapping: buildMapping(targets, newFields),
      dedupe,
      tags,
      consent,
      has_header: hasHeader,
    });
  };

  return (
    <Stack gap="md">
      <SectionCard
        title="Map the columns"
        description={`Say where each column of ${imported.filename} goes. Kirim suggested a mapping from the column names; the first rows show what each column holds.`}
        actions={
          <Switch
            label="First row is a header"
            checked={hasHeader}
            onChange={(event) => setHasHeader(event.currentTarget.checked)}
          />
        }
      >
        <Table.ScrollContainer minWidth={Math.max(600, table.columns.length * 190)}>
          <Table withColumnBorders withTableBorder aria-label="File preview" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                {table.columns.map((name, column) => (
                  <Table.Th key={column} style={{ verticalAlign: 'top', minWidth: 180 }}>
                    <Stack gap={6}>
                      <Text size="sm" fw={700} truncate title={name}>
                        {name}
                      </Text>
                      <NativeSelect
                        aria-label={`Map column “${name}”`}
                        size="xs"
                        value={targets[column] ?? ignoreTarget}
                        data={
                          newFields[column]
                            ? withNewFieldLabel(options, `New field “${newFields[column].label}”`)
                            : options
                        }
                        error={showProblems ? problems.columns[column] : undefined}
                        onChange={(event) => {
                          const target = event.currentTarget.value;
                          if (target === newFieldTarget) setEditingColumn(column);
                          else setTarget(column, target);
                        }}
                      />
                      {targets[column] === newFieldTarget && newFields[column] && (
                        <Text size="xs" c="dimmed">
                          New {fieldTypeLabels[newFields[column].type].toLowerCase()} field “
                          {newFields[column].label}”{' '}
                          <Anchor
                            component="button"
                            type="button"
                            size="xs"
                            onClick={() => setEditingColumn(column)}
                            aria-label={`Edit the new field for “${name}”`}
                          >
                            Edit
                          </Anchor>
                        </Text>
                      )}
                    </Stack>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {table.rows.map((row, rowIndex) => (
                <Table.Tr key={rowIndex}>
                  {table.columns.map((_, column) => (
                    <Table.Td
                      key={column}
                      c={targets[column] === ignoreTarget ? 'dimmed' : undefined}
                      style={{
                        whiteSpace: 'nowrap',
                        maxWidth: 240,
                        overflow: 'hidden',
                        textOverflow: 'ellipsis',
                      }}
                    >
                      {row[column] ?? ''}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Text size="xs" c="dimmed">
          {formatCount(table.rows.length, 'row')} shown · {formatCount(mappedCount, 'column')}{' '}
          mapped · ignored columns are not imported.
        </Text>
      </SectionCard>

      <SectionCard title="Options" description="What happens to the contacts of this file.">
        <Radio.Group
          label="Numbers that are already contacts"
          value={dedupe}
          onChange={(value) => setDedupe(value as DedupeMode)}
        >
          <Stack gap="xs" mt="xs">
            {dedupeOptions.map((option) => (
              <Radio
                key={option.value}
                value={option.value}
                label={option.label}
                description={option.description}
              />
            ))}
          </Stack>
        </Radio.Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TagInput
            label="Tag every imported contact"
            description="Makes this import easy to find and target later."
            value={tags}
            onChange={setTags}
            suggestions={tagNames}
          />
          <NativeSelect
            label="Consent of imported contacts"
            description="Used for rows without a consent column value."
            data={consentOptions}
            value={consent}
            onChange={(event) => setConsent(event.currentTarget.value as ConsentState)}
          />
        </SimpleGrid>
      </SectionCard>

      {showProblems && hasProblems && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          icon={<IconAlertTriangle size={18} aria-hidden />}
          title="The mapping needs a change"
        >
          {problems.general.map((problem) => (
            <Text key={problem} size="sm">
              {problem}
            </Text>
          ))}
        </Alert>
      )}
      <FormErrorAlert
        message={startImport.isError ? describeStartError(startImport.error) : null}
      />
      <Group justify="flex-end">
        <Button
          size="md"
          leftSection={<IconPlayerPlay size={18} aria-hidden />}
          onClick={start}
          loading={startImport.isPending}
        >
          Start import
        </Button>
      </Group>

      <NewFieldModal
        column={
          editingColumn === null
            ? null
            : {
                index: editingColumn,
                name: table.columns[editingColumn] ?? `Column ${editingColumn + 1}`,
                spec: newFields[editingColumn],
              }
        }
        existing={fields}
        onClose={() => setEditingColumn(null)}
        onSave={(spec) => {
          if (editingColumn === null) return;
          setNewFields((current) => ({ ...current, [editingColumn]: spec }));
          setTarget(editingColumn, newFieldTarget);
          setEditingColumn(null);
        }}
      />
    </Stack>
  );
}
