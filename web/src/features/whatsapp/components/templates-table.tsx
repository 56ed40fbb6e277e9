import { ActionIcon, Anchor, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { ListTable } from '@/components/list-table';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { Template } from '../api/get-templates';
import { humanize } from '../lib/labels';
import { localeLabel } from '../lib/locales';
import { QualityBadge, TemplateStatusBadge } from './badges';

export function TemplatesTable({
  templates,
  accountNames,
  onOpen,
  onDelete,
}: {
  templates: Template[];
  accountNames: Map<number, string>;
  onOpen: (template: Template) => void;
  /** Null for people who may not delete templates. */
  onDelete: ((template: Template) => void) | null;
}) {
  return (
    <ListTable
      label="Templates"
      columns={['Name', 'Language', 'Category', 'Status', 'Quality', 'Account', 'Updated']}
      withActions={onDelete !== null}
      minWidth={880}
    >
      {templates.map((template) => (
        <Table.Tr key={template.id}>
          <Table.Td>
            <Anchor
              component="button"
              type="button"
              size="sm"
              fw={500}
              onClick={() => onOpen(template)}
              style={{ textAlign: 'left', wordBreak: 'break-all' }}
            >
              {template.name}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <Text size="sm" title={template.language}>
              {localeLabel(template.language)}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{humanize(template.category)}</Text>
          </Table.Td>
          <Table.Td>
            <Stack gap={2} align="flex-start">
              <TemplateStatusBadge status={template.status} />
              {template.status === 'REJECTED' && template.rejected_reason && (
                <Text size="xs" c="red">
                  {humanize(template.rejected_reason)}
                </Text>
              )}
            </Stack>
          </Table.Td>
          <Table.Td>
            <QualityBadge rating={template.quality} />
          </Table.Td>
          <Table.Td>
            <Text size="sm">
              {accountNames.get(template.account_id) ?? `#${template.account_id}`}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" title={formatDateTime(template.updated_at)}>
              {formatRelative(template.updated_at)}
            </Text>
          </Table.Td>
          {onDelete && (
            <Table.Td ta="right">
              <Tooltip label={`Delete ${template.name} (${template.language})`}>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Delete ${template.name} (${template.language})`}
                  onClick={() => onDelete(template)}
                >
                  <IconTrash size={16} aria-hidden />
                </ActionIcon>
              </Tooltip>
            </Table.Td>
          )}
        </Table.Tr>
      ))}
    </ListTable>
  );
}
