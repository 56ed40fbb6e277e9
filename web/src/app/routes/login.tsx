import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { KirimLogo } from '@/components/kirim-logo';
import { LoginForm } from '@/features/auth/components/login-form';
import { meQueryOptions } from '@/lib/auth';
import { safeNextPath } from '../login-redirect';

export function LoginRoute() {
  useDocumentTitle('Log in · Kirim');
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  // Someone who is still signed in (a bookmarked /login) goes straight on. Only an answer
  // fetched now counts: a cached Me may belong to the session that just expired.
  const me = useQuery({ ...meQueryOptions, refetchOnMount: 'always', retry: false });
  if (me.isSuccess && me.isFetchedAfterMount) return <Navigate to={next} replace />;

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Stack w="100%" maw={400} gap="lg">
        <KirimLogo size="xl" justify="center" />
        <Paper withBorder radius="md" p="xl">
          <Stack gap="lg">
            <div>
              <Title order={1} size="h3">
                Log in
              </Title>
              <Text size="sm" c="dimmed" mt={4}>
                Use the email and password your workspace owner gave you.
              </Text>
            </div>
            <LoginForm onSuccess={() => void navigate(next, { replace: true })} />
          </Stack>
        </Paper>
        <Text size="xs" c="dimmed" ta="center">
          Forgot your password? Ask whoever runs Kirim for your team to set a new one.
        </Text>
      </Stack>
    </Center>
  );
}
