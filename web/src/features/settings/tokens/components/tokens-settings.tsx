import { Button, Code, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ListTable } from '@/components/list-table';
import { PagedList } from '@/components/paged-list';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import type { Me } from '@/lib/auth';
import { canManageWorkspace } from '@/lib/authorization';
import { formatDate, formatDateTime, formatRelative } from '@/lib/format';
import type { CreatedToken } from '../api/create-token';
import { type ApiToken, useTokens } from '../api/get-tokens';
import { CreateTokenModal } from './create-token-modal';
import { RevokeTokenModal } from './revoke-token-modal';
import { TokenSecretModal } from './token-secret-modal';

function TokensTable({
  tokens,
  onRevoke,
}: {
  tokens: ApiToken[];
  onRevoke: (token: ApiToken) => void;
}) {
  return (
    <ListTable
      label="API tokens"
      columns={['Name', 'Prefix', 'Owner', 'Created', 'Last used']}
      withActions
      minWidth={720}
    >
      {tokens.map((token) => (
        <Table.Tr key={token.id}>
          <Table.Td>
            <Text size="sm" fw={500}>
              {token.name}
            </Text>
          </Table.Td>
          <Table.Td>
            <Code>{token.prefix}…</Code>
          </Table.Td>
          <Table.Td>
            <Text size="sm" title={token.user.email}>
              {token.user.name}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" title={formatDateTime(token.created_at)}>
              {formatDate(token.created_at)}
            </Text>
          </Table.Td>
          <Table.Td>
            {token.last_used_at ? (
              <Text size="sm" title={formatDateTime(token.last_used_at)}>
                {formatRelative(token.last_used_at)}
              </Text>
            ) : (
              <Text size="sm" c="dimmed">
                Never
              </Text>
            )}
          </Table.Td>
          <Table.Td ta="right">
            <Button
              variant="subtle"
              color="red"
              size="xs"
              aria-label={`Revoke ${token.name}`}
              onClick={() => onRevoke(token)}
            >
              Revoke
            </Button>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}

function ManageTokens() {
  const tokens = useTokens();
  const [createOpened, createModal] = useDisclosure(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [tokenToRevoke, setTokenToRevoke] = useState<ApiToken | null>(null);

  const createButton = (
    <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={createModal.open}>
      Create token
    </Button>
  );

  return (
    <SectionCard
      title="API tokens"
      description={
        <>
          Tokens authenticate REST calls with <Code>Authorization: Bearer kirim_…</Code> and act
          with the role of the person who created them.
        </>
      }
      actions={createButton}
    >
      <PagedList
        query={tokens}
        skeletonColumns={6}
        errorTitle="Couldn't load API tokens"
        empty={
          <EmptyState
            icon={<IconKey size={26} aria-hidden />}
            title="No API tokens yet"
            description="Create a token to let a script, your CRM or CI call the Kirim REST API. It acts with your role."
          />
        }
        loadMoreLabel="Load more tokens"
      >
        {(list) => <TokensTable tokens={list} onRevoke={setTokenToRevoke} />}
      </PagedList>
      <CreateTokenModal opened={createOpened} onClose={createModal.close} onCreated={setCreated} />
      <TokenSecretModal created={created} onDone={() => setCreated(null)} />
      <RevokeTokenModal token={tokenToRevoke} onClose={() => setTokenToRevoke(null)} />
    </SectionCard>
  );
}

export function TokensSettings({ me }: { me: Me }) {
  if (!canManageWorkspace(me.role)) {
    return (
      <SectionCard
        title="API tokens"
        description="Tokens let scripts and other systems use the REST API."
      >
        <RestrictedNotice>
          Only owners and admins can manage API tokens. Ask one of them if you need a token.
        </RestrictedNotice>
      </SectionCard>
    );
  }
  return <ManageTokens />;
}
