import { useDocumentTitle } from '@mantine/hooks';
import { useParams } from 'react-router';
import { CampaignDashboardPage } from '@/features/campaigns/components/campaign-dashboard-page';
import { CampaignEditorPage } from '@/features/campaigns/components/campaign-editor-page';
import { CampaignsPage } from '@/features/campaigns/components/campaigns-page';
import { useSignedInMe } from '@/lib/auth';
import { NotFoundRoute } from './not-found';

/** A positive integer id from the URL, or null for anything else (which is a 404). */
function idParam(value: string | undefined): number | null {
  return value !== undefined && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;
}

export function CampaignsRoute() {
  useDocumentTitle('Campaigns · Kirim');
  return <CampaignsPage me={useSignedInMe()} />;
}

export function NewCampaignRoute() {
  useDocumentTitle('New campaign · Campaigns · Kirim');
  return <CampaignEditorPage me={useSignedInMe()} campaignId={null} />;
}

export function EditCampaignRoute() {
  useDocumentTitle('Edit campaign · Campaigns · Kirim');
  const me = useSignedInMe();
  const campaignId = idParam(useParams().campaignId);
  if (campaignId === null) return <NotFoundRoute />;
  return <CampaignEditorPage key={campaignId} me={me} campaignId={campaignId} />;
}

export function CampaignRoute() {
  useDocumentTitle('Campaign · Kirim');
  const me = useSignedInMe();
  const campaignId = idParam(useParams().campaignId);
  if (campaignId === null) return <NotFoundRoute />;
  // Keyed by id: another campaign's page starts with fresh local state.
  return <CampaignDashboardPage key={campaignId} me={me} campaignId={campaignId} />;
}
