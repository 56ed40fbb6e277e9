import { ActionIcon, Badge, Group, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconTags, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '@/components/confirm-modal';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { FormModal } from '@/components/form-modal';
import { ListTable } from '@/components/list-table';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import { TableSkeleton } from '@/components/skeletons';
import type { Me } from '@/lib/auth';
import { canEditContacts } from '@/lib/authorization';
import { formatCount } from '@/lib/format';
import { useServerFormErrors } from '@/lib/form-errors';
import { useDeleteTag } from '../api/delete-tag';
import { type Tag, useTags } from '../api/get-tags';
import { useUpdateTag } from '../api/update-tag';
import { tagNameProblem } from '../utils/tag-names';

function RenameTagForm({ tag, onClose }: { tag: Tag; onClose: () => void }) {
  const updateTag = useUpdateTag();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: tag.name },
    validate: { name: tagNameProblem },
  });
  const serverErrors = useServerFormErrors(form, ['name'], { conflictField: 'name' });
  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    updateTag.mutate(
      { id: tag.id, name: values.name.trim() },
      {
        onSuccess: (updated) => {
          notifications.show({
            color: 'teal',
            message: `Renamed “${tag.name}” to “${updated.name}”.`,
          });
          onClose();
        },
        onError: serverErrors.show,
      },
    );
  });
  return (
    <FormModal
      opened
      title={`Rename “${tag.name}”`}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Rename tag"
      pending={updateTag.isPending}
      error={serverErrors.formError}
    >
      <TextInput
        label="Tag name"
        description={`${formatCount(tag.contacts, 'contact')} keep the tag under its new name.`}
        data-autofocus
        {...form.getInputProps('name')}
      />
    </FormModal>
  );
}

function DeleteTagModal({ tag, onClose }: { tag: Tag | null; onClose: () => void }) {
  const deleteTag = useDeleteTag();
  const close = () => {
    deleteTag.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={tag !== null}
      title={tag ? `Delete “${tag.name}”?` : 'Delete tag?'}
      confirmLabel="Delete tag"
      pending={deleteTag.isPending}
      error={deleteTag.error?.message ?? null}
      onClose={close}
      onConfirm={() => {
        if (!tag) return;
        deleteTag.mutate(tag.id, {
          onSuccess: () => {
            notifications.show({ color: 'teal', message: `“${tag.name}” was deleted.` });
            close();
          },
        });
      }}
    >
      {tag && (
        <>
          {formatCount(tag.contacts, 'contact')} lose the tag; the contacts themselves stay. This
          cannot be undone.
        </>
      )}
    </ConfirmModal>
  );
}

/** Settings → Tags: every tag with how many contacts carry it. */
export function TagsSettings({ me }: { me: Me }) {
  const editable = canEditContacts(me.role);
  const tags = useTags();
  const [toRename, setToRename] = useState<Tag | null>(null);
  const [toDelete, setToDelete] = useState<Tag | null>(null);

  let body;
  if (tags.isPending) body = <TableSkeleton columns={editable ? 3 : 2} />;
  else if (tags.isError) {
    body = (
      <ErrorState
        title="Couldn't load tags"
        error={tags.error}
        onRetry={() => void tags.refetch()}
        retrying={tags.isFetching}
      />
    );
  } else if (tags.data.length === 0) {
    body = (
      <EmptyState
        icon={<IconTags size={26} aria-hidden />}
        title="No tags yet"
        description="Tags appear here once contacts have them: add them on a contact, in bulk from the contacts list, or with an import."
      />
    );
  } else {
    body = (
      <ListTable label="Tags" columns={['Tag', 'Contacts']} withActions={editable} minWidth={480}>
        {tags.data.map((tag) => (
          <Table.Tr key={tag.id}>
            <Table.Td>
              <Badge
                variant="outline"
                color="gray"
                radius="sm"
                tt="none"
                component={Link}
                to={`/contacts?tag=${encodeURIComponent(tag.name)}`}
                style={{ cursor: 'pointer' }}
              >
                {tag.name}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{formatCount(tag.contacts, 'contact')}</Text>
            </Table.Td>
            {editable && (
              <Table.Td ta="right">
                <Group gap={4} justify="flex-end" wrap="nowrap">
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={`Rename ${tag.name}`}
                    onClick={() => setToRename(tag)}
                  >
                    <IconPencil size={16} aria-hidden />
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Delete ${tag.name}`}
                    onClick={() => setToDelete(tag)}
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
      title="Tags"
      description="Tags group contacts for filters and campaigns. Open one to see its contacts."
    >
      {!editable && (
        <RestrictedNotice>
          Only owners, admins and editors can rename or delete tags.
        </RestrictedNotice>
      )}
      {body}
      {toRename && (
        <RenameTagForm key={toRename.id} tag={toRename} onClose={() => setToRename(null)} />
      )}
      {editable && <DeleteTagModal tag={toDelete} onClose={() => setToDelete(null)} />}
    </SectionCard>
  );
}
