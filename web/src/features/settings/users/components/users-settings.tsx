import { ActionIcon, Badge, Button, Group, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconTrash, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ListTable } from '@/components/list-table';
import { PagedList } from '@/components/paged-list';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import type { Me, User } from '@/lib/auth';
import { canManageWorkspace, roleLabels } from '@/lib/authorization';
import { formatDate, formatDateTime } from '@/lib/format';
import { useUsers } from '../api/get-users';
import { AddUserModal } from './add-user-modal';
import { RemoveUserModal } from './remove-user-modal';
import { UserRoleSelect } from './user-role-select';

function UsersTable({
  users,
  me,
  editable,
  onRemove,
}: {
  users: User[];
  me: Me;
  editable: boolean;
  onRemove: (user: User) => void;
}) {
  return (
    <ListTable
      label="Users"
      columns={['Name', 'Email', 'Role', 'Created']}
      withActions={editable}
      minWidth={640}
    >
      {users.map((user) => {
        const isSelf = user.id === me.user.id;
        return (
          <Table.Tr key={user.id}>
            <Table.Td>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" fw={500}>
                  {user.name}
                </Text>
                {isSelf && (
                  <Badge size="xs" variant="light" color="gray">
                    You
                  </Badge>
                )}
              </Group>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{user.email}</Text>
            </Table.Td>
            <Table.Td>
              {editable ? (
                <UserRoleSelect user={user} actorRole={me.role} isSelf={isSelf} />
              ) : (
                <Badge variant="light" color={user.role === 'owner' ? 'teal' : 'gray'}>
                  {roleLabels[user.role]}
                </Badge>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm" title={formatDateTime(user.created_at)}>
                {formatDate(user.created_at)}
              </Text>
            </Table.Td>
            {editable && (
              <Table.Td ta="right">
                <Tooltip label={isSelf ? "You can't remove yourself" : `Remove ${user.name}`}>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove ${user.name}`}
                    disabled={isSelf || (user.role === 'owner' && me.role !== 'owner')}
                    onClick={() => onRemove(user)}
                  >
                    <IconTrash size={16} aria-hidden />
                  </ActionIcon>
                </Tooltip>
              </Table.Td>
            )}
          </Table.Tr>
        );
      })}
    </ListTable>
  );
}

export function UsersSettings({ me }: { me: Me }) {
  const editable = canManageWorkspace(me.role);
  const users = useUsers();
  const [addOpened, addModal] = useDisclosure(false);
  const [userToRemove, setUserToRemove] = useState<User | null>(null);

  const addButton = editable && (
    <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={addModal.open}>
      Add user
    </Button>
  );

  return (
    <SectionCard
      title="Users"
      description="Everyone who can log in to this workspace, and what they may do."
      actions={addButton}
    >
      {!editable && <RestrictedNotice>Only owners and admins can manage users.</RestrictedNotice>}
      <PagedList
        query={users}
        skeletonColumns={editable ? 5 : 4}
        errorTitle="Couldn't load users"
        empty={
          <EmptyState
            icon={<IconUsers size={26} aria-hidden />}
            title="No users yet"
            description={
              editable
                ? 'Add your teammates so that each has their own login and role.'
                : 'Ask an owner or admin to add your teammates.'
            }
            action={addButton}
          />
        }
        loadMoreLabel="Load more users"
      >
        {(list) => (
          <UsersTable users={list} me={me} editable={editable} onRemove={setUserToRemove} />
        )}
      </PagedList>
      {editable && <AddUserModal opened={addOpened} onClose={addModal.close} actorRole={me.role} />}
      {editable && <RemoveUserModal user={userToRemove} onClose={() => setUserToRemove(null)} />}
    </SectionCard>
  );
}
