import { Button, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { isApiError } from '@/lib/api-client';

interface ErrorStateProps {
  /** What could not be done, e.g. "Couldn't load users". */
  title: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
}

function describe(error: unknown): string {
  if (!isApiError(error)) return 'Something unexpected went wrong.';
  // The request id is what an operator needs to find the failure in the server's logs.
  return error.requestId ? `${error.message} (request ${error.requestId})` : error.message;
}

export function ErrorState({ title, error, onRetry, retrying = false }: ErrorStateProps) {
  return (
    <Paper withBorder radius="md" p="xl" role="alert">
      <Stack align="center" gap="xs" ta="center">
        <ThemeIcon size={44} radius="xl" color="red" variant="light">
          <IconAlertTriangle size={24} aria-hidden />
        </ThemeIcon>
        <Title order={3} size="h4">
          {title}
        </Title>
        <Text c="dimmed" size="sm" maw={420}>
          {describe(error)}
        </Text>
        {onRetry && (
          <Button
            mt="xs"
            variant="light"
            leftSection={<IconRefresh size={16} aria-hidden />}
            onClick={onRetry}
            loading={retrying}
          >
            Try again
          </Button>
        )}
      </Stack>
    </Paper>
  );
}
