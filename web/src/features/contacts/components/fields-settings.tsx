import { ActionIcon, Badge, Button, Code, Group, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconForms, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '@/components/confirm-modal';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { ListTable } from '@/components/list-table';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import { TableSkeleton } from '@/components/skeletons';
import type { Me } from '@/lib/auth';
import { canManageContactFields } from '@/lib/authorization';
import { formatDate } from '@/lib/format';
import { useDeleteContactField } from '../api/delete-contact-field';
import { type ContactField, useContactFields } from '../api/get-contact-fields';
import { fieldTypeLabels } from '../utils/field-values';
import { FieldFormModal } from './field-form-modal';

function DeleteFieldModal({ field, onClose }: { field: ContactField | null; onClose: () => void }) {
  const deleteField = useDeleteContactField();
  const close = () => {
    deleteField.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={field !== null}
      title={field ? `Delete ${field.label}?` : 'Delete field?'}
      confirmLabel="Delete field"
      pending={deleteField.isPending}
      error={deleteField.error?.message ?? null}
      onClose={close}
      onConfirm={() => {
        if (!field) return;
        deleteField.mutate(field.id, {
          onSuccess: () => {
            notifications.show({ color: 'teal', message: `${field.label} was deleted.` });
            close();
          },
        });
      }}
    >
      {field && (
        <>
          Every contact’s <strong>{field.label}</strong> value is removed with it, and filters or
          imports that use <Code>{field.key}</Code> stop working. This cannot be undone.
        </>
      )}
    </ConfirmModal>
  );
}

/** Settings → Contact fields: the custom fields every contact has. */
export function FieldsSettings({ me }: { me: Me }) {
  const editable = canManageContactFields(me.role);
  const fields = useContactFields();
  const [editing, setEditing] = useState<ContactField | 'new' | null>(null);
  const [toDelete, setToDelete] = useState<ContactField | null>(null);

  const addButton = editable && (
    <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing('new')}>
      New field
    </Button>
  );

  let body;
  if (fields.isPending) body = <TableSkeleton columns={editable ? 5 : 4} />;
  else if (fields.isError) {
    body = (
      <ErrorState
        title="Couldn't load contact fields"
        error={fields.error}
        onRetry={() => void fields.refetch()}
        retrying={fields.isFetching}
      />
    );
  } else if (fields.data.length === 0) {
    body = (
      <EmptyState
        icon={<IconForms size={26} aria-hidden />}
        title="No custom fields yet"
        description={
          editable
            ? 'Add fields such as city, birthday or plan to keep them for every contact, filter on them and personalize messages.'
            : 'Owners and admins add fields such as city, birthday or plan.'
        }
        action={addButton}
      />
    );
  } else {
    body = (
      <ListTable
        label="Contact fields"
        columns={['Label', 'Key', 'Type', 'Created']}
        withActions={editable}
        minWidth={640}
      >
        {fields.data.map((field) => (
          <Table.Tr key={field.id}>
            <Table.Td>
              <Text size="sm" fw={500}>
                {field.label}
              </Text>
            </Table.Td>
            <Table.Td>
              <Code>{field.key}</Code>
            </Table.Td>
            <Table.Td>
              <Group gap={4}>
                <Text size="sm">{fieldTypeLabels[field.type]}</Text>
                {field.type === 'choice' && (
                  <Tooltip label={field.choices.join(', ')} disabled={field.choices.length === 0}>
                    <Badge size="xs" variant="light" color="gray">
                      {field.choices.length} choices
                    </Badge>
                  </Tooltip>
                )}
              </Group>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{formatDate(field.created_at)}</Text>
            </Table.Td>
            {editable && (
              <Table.Td ta="right">
                <Group gap={4} justify="flex-end" wrap="nowrap">
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={`Edit ${field.label}`}
                    onClick={() => setEditing(field)}
                  >
                    <IconPencil size={16} aria-hidden />
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Delete ${field.label}`}
                    onClick={() => setToDelete(field)}
                  >
                    <IconTrash size={16} aria-hidden />
                  </ActionIcon>
                </Group>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </ListTable>
    );
  }

  return (
    <SectionCard
      title="Contact fields"
      description="Custom fields every contact has, besides phone, name, language, country and time zone."
      actions={fields.data && fields.data.length > 0 ? addButton : undefined}
    >
      {!editable && (
        <RestrictedNotice>Only owners and admins can define contact fields.</RestrictedNotice>
      )}
      {body}
      {editable && <FieldFormModal editing={editing} onClose={() => setEditing(null)} />}
      {editable && <DeleteFieldModal field={toDelete} onClose={() => setToDelete(null)} />}
    </SectionCard>
  );
}
