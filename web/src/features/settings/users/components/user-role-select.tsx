import { Loader, NativeSelect, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Role, User } from '@/lib/auth';
import { assignableRoles, roleLabels } from '@/lib/authorization';
import { useUpdateUser } from '../api/update-user';

interface UserRoleSelectProps {
  user: User;
  actorRole: Role;
  isSelf: boolean;
}

/** Changes a user's role as soon as another option is picked; the row shows the saved role. */
export function UserRoleSelect({ user, actorRole, isSelf }: UserRoleSelectProps) {
  const updateUser = useUpdateUser();
  const allowed = assignableRoles(actorRole);
  // Only an owner may unmake an owner, and nobody changes their own role here (that is how
  // people lock themselves out).
  const lockedReason = isSelf
    ? 'Ask another owner or admin to change your role'
    : !allowed.includes(user.role)
      ? 'Only an owner can change an owner'
      : null;
  const options = allowed.includes(user.role) ? allowed : [user.role, ...allowed];

  const select = (
    <NativeSelect
      aria-label={`Role of ${user.name}`}
      size="xs"
      w={130}
      value={user.role}
      disabled={lockedReason !== null || updateUser.isPending}
      rightSection={updateUser.isPending ? <Loader size={12} /> : undefined}
      data={options.map((role) => ({ value: role, label: roleLabels[role] }))}
      onChange={(event) => {
        const role = event.currentTarget.value as Role;
        updateUser.mutate(
          { id: user.id, role },
          {
            onSuccess: (updated) =>
              notifications.show({
                color: 'teal',
                message: `${updated.name} is now ${roleLabels[updated.role].toLowerCase()}.`,
              }),
            onError: (error) =>
              notifications.show({
                color: 'red',
                title: `Couldn't change the role of ${user.name}`,
                message: error.message,
              }),
          },
        );
      }}
    />
  );

  return lockedReason ? (
    <Tooltip label={lockedReason} withArrow>
      <div style={{ display: 'inline-block' }}>{select}</div>
    </Tooltip>
  ) : (
    select
  );
}
