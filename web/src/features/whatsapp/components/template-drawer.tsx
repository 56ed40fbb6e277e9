import { Alert, Button, Code, Drawer, Group, Stack, Switch, Table, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { formatDateTime } from '@/lib/format';
import type { Template } from '../api/get-templates';
import { humanize } from '../lib/labels';
import { localeLabel } from '../lib/locales';
import { previewFromComponents } from '../lib/preview';
import { QualityBadge, TemplateStatusBadge } from './badges';
import { TemplatePreview } from './template-preview';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={150} fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

/** A template's details and how WhatsApp will show it. */
export function TemplateDrawer({
  template,
  accountName,
  onClose,
  onDelete,
}: {
  template: Template | null;
  accountName: string | null;
  onClose: () => void;
  /** Null for people who may not delete templates. */
  onDelete: ((template: Template) => void) | null;
}) {
  const [fillExamples, setFillExamples] = useState(false);
  return (
    <Drawer
      opened={template !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={template ? template.name : 'Template'}
      closeButtonProps={{ 'aria-label': 'Close template details' }}
    >
      {template && (
        <Stack gap="md">
          {template.status === 'REJECTED' && (
            <Alert color="red" variant="light" title="Meta rejected this template">
              Reason: {template.rejected_reason ? humanize(template.rejected_reason) : 'not given'}.
              Change what Meta objected to and submit a new template.
            </Alert>
          )}
          <Table withRowBorders={false} verticalSpacing={4} aria-label="Template details">
            <Table.Tbody>
              <Fact label="Status">
                <TemplateStatusBadge status={template.status} />
              </Fact>
              <Fact label="Quality">
                <QualityBadge rating={template.quality} />
              </Fact>
              <Fact label="Language">
                {localeLabel(template.language)} <Code>{template.language}</Code>
              </Fact>
              <Fact label="Category">{humanize(template.category)}</Fact>
              <Fact label="Variables">
                {template.parameter_format.toLowerCase() === 'named' ? 'Named' : 'Numbered'}
              </Fact>
              <Fact label="Account">{accountName ?? `#${template.account_id}`}</Fact>
              <Fact label="Meta ID">
                {template.meta_id ? <Code>{template.meta_id}</Code> : '—'}
              </Fact>
              <Fact label="Updated">{formatDateTime(template.updated_at)}</Fact>
            </Table.Tbody>
          </Table>
          <Switch
            label="Show example values"
            checked={fillExamples}
            onChange={(event) => setFillExamples(event.currentTarget.checked)}
          />
          <TemplatePreview
            model={previewFromComponents(template.components)}
            fillExamples={fillExamples}
            label={`Preview of ${template.name}`}
          />
          {onDelete && (
            <Group justify="flex-end">
              <Button
                color="red"
                variant="light"
                leftSection={<IconTrash size={16} aria-hidden />}
                onClick={() => onDelete(template)}
              >
                Delete template
              </Button>
            </Group>
          )}
          {!onDelete && (
            <Text size="xs" c="dimmed">
              Editors, admins and owners can delete templates.
            </Text>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
