import { Button, Paper } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconMapOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/empty-state';

export function NotFoundRoute() {
  useDocumentTitle('Not found · Kirim');
  return (
    <Paper withBorder radius="md" p="xl">
      <EmptyState
        icon={<IconMapOff size={26} aria-hidden />}
        title="This page does not exist"
        description="The link may be old, or the page may come in a later version of Kirim."
        action={
          <Button component={Link} to="/" variant="light">
            Go to the dashboard
          </Button>
        }
      />
    </Paper>
  );
}
