import { useDocumentTitle } from '@mantine/hooks';
import { Dashboard } from '@/features/dashboard/components/dashboard';
import { useSignedInMe } from '@/lib/auth';

export function DashboardRoute() {
  useDocumentTitle('Dashboard · Kirim');
  return <Dashboard me={useSignedInMe()} />;
}
