import { Anchor, Button, Code, List, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBrandWhatsapp, IconPlugConnected } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import { CardSkeleton } from '@/components/skeletons';
import type { Me } from '@/lib/auth';
import { canManageWhatsAppAccounts } from '@/lib/authorization';
import { type Account, useAccounts } from '../api/get-accounts';
import { callbackUrl, instanceWebhookPath } from '../lib/webhook-urls';
import { CopyField } from '@/components/copy-field';
import { type AccountActions, AccountCard } from './account-card';
import { DeleteAccountModal, PauseAccountModal } from './account-confirm-modals';
import { ConnectAccountModal } from './connect-account-modal';
import { EditAccountModal } from './edit-account-modal';
import { ReplaceSecretModal, type SecretTarget } from './replace-secret-modal';

function NoAccounts({ action }: { action: ReactNode }) {
  return (
    <EmptyState
      icon={<IconBrandWhatsapp size={26} aria-hidden />}
      title="No WhatsApp account connected"
      description={
        <>
          A WhatsApp Business account (WABA) is where Meta keeps your business&apos;s phone numbers
          and message templates. Connect one with its WABA ID and an access token from your Meta
          app, and Kirim fetches its numbers. To try Kirim without Meta, run the local sandbox (
          <Code>kirim sandbox</Code>) and connect it with its Graph API URL under Advanced; the user
          guide&apos;s WhatsApp section explains how.
        </>
      }
      action={action}
    />
  );
}

function InstanceWebhook() {
  return (
    <SectionCard
      title="Webhooks from Meta"
      description="Meta reports delivery statuses, replies and template reviews by calling Kirim."
    >
      <Stack gap="sm">
        <Text size="sm">
          Each account above has its own callback URL, checked with that account&apos;s verify token
          and app secret. A Meta app that serves several accounts can use the server-wide URL
          instead; it is checked with <Code>KIRIM_WHATSAPP_VERIFY_TOKEN</Code> and{' '}
          <Code>KIRIM_WHATSAPP_APP_SECRET</Code> from the server&apos;s configuration.
        </Text>
        <CopyField label="Server-wide callback URL" value={callbackUrl(instanceWebhookPath)} />
        <Text size="sm" c="dimmed" component="div">
          In Meta&apos;s webhook settings, subscribe to:
          <List size="sm" mt={4}>
            <List.Item>
              <Code>messages</Code> (statuses and replies)
            </List.Item>
            <List.Item>
              <Code>message_template_status_update</Code> and{' '}
              <Code>message_template_quality_update</Code>
            </List.Item>
            <List.Item>
              <Code>phone_number_quality_update</Code> and <Code>account_update</Code>
            </List.Item>
          </List>
          What arrives is listed under{' '}
          <Anchor component={Link} to="/settings/webhooks" size="sm">
            Webhook log
          </Anchor>
          .
        </Text>
      </Stack>
    </SectionCard>
  );
}

/** Settings → WhatsApp: the workspace's business accounts and their numbers. */
export function WhatsAppSettings({ me }: { me: Me }) {
  const editable = canManageWhatsAppAccounts(me.role);
  const accounts = useAccounts();
  const [connectOpened, connectModal] = useDisclosure(false);
  const [editing, setEditing] = useState<Account | null>(null);
  const [pausing, setPausing] = useState<Account | null>(null);
  const [deleting, setDeleting] = useState<Account | null>(null);
  const [secretTarget, setSecretTarget] = useState<SecretTarget | null>(null);

  const actions: AccountActions | null = editable
    ? {
        onEdit: setEditing,
        onPause: setPausing,
        onDelete: setDeleting,
        onReplaceSecret: (account, field) => setSecretTarget({ account, field }),
      }
    : null;

  const connectButton = editable && (
    <Button leftSection={<IconPlugConnected size={16} aria-hidden />} onClick={connectModal.open}>
      Connect an account
    </Button>
  );

  let content: ReactNode;
  if (accounts.isPending) {
    content = (
      <Stack gap="md">
        <CardSkeleton lines={4} />
      </Stack>
    );
  } else if (accounts.isError) {
    content = (
      <ErrorState
        title="Couldn't load WhatsApp accounts"
        error={accounts.error}
        onRetry={() => void accounts.refetch()}
        retrying={accounts.isFetching}
      />
    );
  } else if (accounts.data.length === 0) {
    content = <NoAccounts action={connectButton} />;
  } else {
    content = (
      <Stack gap="md">
        {accounts.data.map((account) => (
          <AccountCard key={account.id} account={account} actions={actions} />
        ))}
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <SectionCard
        title="WhatsApp accounts"
        description="The WhatsApp Business accounts Kirim sends through, and their phone numbers."
        actions={accounts.data && accounts.data.length > 0 ? connectButton : null}
      >
        {!editable && (
          <RestrictedNotice>
            Only owners and admins can connect and change WhatsApp accounts.
          </RestrictedNotice>
        )}
        {content}
      </SectionCard>
      <InstanceWebhook />
      {editable && (
        <>
          <ConnectAccountModal opened={connectOpened} onClose={connectModal.close} />
          <EditAccountModal account={editing} onClose={() => setEditing(null)} />
          <PauseAccountModal account={pausing} onClose={() => setPausing(null)} />
          <DeleteAccountModal account={deleting} onClose={() => setDeleting(null)} />
          <ReplaceSecretModal target={secretTarget} onClose={() => setSecretTarget(null)} />
        </>
      )}
    </Stack>
  );
}
