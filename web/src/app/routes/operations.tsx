import { useDocumentTitle } from '@mantine/hooks';
import { OperationsPage } from '@/features/queues/components/operations-page';
import { useSignedInMe } from '@/lib/auth';

export function OperationsRoute() {
  useDocumentTitle('Operations · Kirim');
  return <OperationsPage me={useSignedInMe()} />;
}
