import { Stack } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { PasswordForm } from '@/features/settings/profile/components/password-form';
import { ProfileForm } from '@/features/settings/profile/components/profile-form';
import { TokensSettings } from '@/features/settings/tokens/components/tokens-settings';
import { UsersSettings } from '@/features/settings/users/components/users-settings';
import { WorkspaceSettings } from '@/features/settings/workspace/components/workspace-settings';
import { useSignedInMe } from '@/lib/auth';

export function ProfileRoute() {
  useDocumentTitle('Profile · Settings · Kirim');
  const me = useSignedInMe();
  return (
    <Stack gap="lg">
      <ProfileForm me={me} />
      <PasswordForm />
    </Stack>
  );
}

export function WorkspaceRoute() {
  useDocumentTitle('Workspace · Settings · Kirim');
  return <WorkspaceSettings me={useSignedInMe()} />;
}

export function UsersRoute() {
  useDocumentTitle('Users · Settings · Kirim');
  return <UsersSettings me={useSignedInMe()} />;
}

export function TokensRoute() {
  useDocumentTitle('API tokens · Settings · Kirim');
  return <TokensSettings me={useSignedInMe()} />;
}
