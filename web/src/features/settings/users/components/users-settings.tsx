import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconTrash, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import { TableSkeleton } from '@/components/skeletons';
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
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="sm" highlightOnHover aria-label="Users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Created</Table.Th>
            {editable && (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
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
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function UsersSettings({ me }: { me: Me }) {
  const editable = canManageWorkspace(me.role);
  const users = useUsers();
  const [addOpened, addModal] = useDisclosure(false);
  const [userToRemove, setUserToRemove] = useState<User | null>(null);
  const list = users.data?.pages.flatMap((page) => page.data) ?? [];

  const addButton = editable && (
    <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={addModal.open}>
      Add user
    </Button>
  );

  let body;
  if (users.isPending) {
    body = <TableSkeleton columns={editable ? 5 : 4} />;
  } else if (users.isError) {
    body = (
      <ErrorState
        title="Couldn't load users"
        error={users.error}
        onRetry={() => void users.refetch()}
        retrying={users.isFetching}
      />
    );
  } else if (list.length === 0) {
    body = (
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
    );
  } else {
    body = (
      <Stack gap="sm">
        <UsersTable users={list} me={me} editable={editable} onRemove={setUserToRemove} />
        {users.hasNextPage && (
          <Group justify="center">
            <Button
              variant="default"
              onClick={() => void users.fetchNextPage()}
              loading={users.isFetchingNextPage}
            >
              Load more users
            </Button>
          </Group>
        )}
      </Stack>
    );
  }

  return (
    <SectionCard
      title="Users"
      description="Everyone who can log in to this workspace, and what they may do."
      actions={addButton}
    >
      {!editable && <RestrictedNotice>Only owners and admins can manage users.</RestrictedNotice>}
      {body}
      {editable && <AddUserModal opened={addOpened} onClose={addModal.close} actorRole={me.role} />}
      {editable && <RemoveUserModal user={userToRemove} onClose={() => setUserToRemove(null)} />}
    </SectionCard>
  );
}
