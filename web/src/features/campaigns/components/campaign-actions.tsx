import { ActionIcon, Menu } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCopy, IconDots, IconPencil, IconTrash } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { ConfirmModal } from '@/components/confirm-modal';
import { useDeleteCampaign } from '../api/delete-campaign';
import { useDuplicateCampaign } from '../api/duplicate-campaign';
import type { Campaign } from '../api/get-campaign';
import { canDelete, canEdit } from '../lib/states';

/** Edit, duplicate and delete, as far as the campaign's state allows. */
export function CampaignActions({ campaign }: { campaign: Campaign }) {
  const navigate = useNavigate();
  const duplicate = useDuplicateCampaign();
  const remove = useDeleteCampaign();
  const [deleteOpened, deleteModal] = useDisclosure(false);

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={`More actions for ${campaign.name}`}
            loading={duplicate.isPending}
          >
            <IconDots size={18} aria-hidden />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {canEdit(campaign.state) && (
            <Menu.Item
              leftSection={<IconPencil size={14} aria-hidden />}
              onClick={() => void navigate(`/campaigns/${campaign.id}/edit`)}
            >
              Edit
            </Menu.Item>
          )}
          <Menu.Item
            leftSection={<IconCopy size={14} aria-hidden />}
            onClick={() =>
              duplicate.mutate(campaign.id, {
                onSuccess: (copy) => {
                  notifications.show({ message: `Copied as “${copy.name}”, a draft.` });
                  void navigate(`/campaigns/${copy.id}/edit`);
                },
                onError: (error) =>
                  notifications.show({
                    color: 'red',
                    title: "Couldn't duplicate the campaign",
                    message: error.message,
                  }),
              })
            }
          >
            Duplicate
          </Menu.Item>
          {canDelete(campaign.state) && (
            <Menu.Item
              color="red"
              leftSection={<IconTrash size={14} aria-hidden />}
              onClick={deleteModal.open}
            >
              Delete
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      <ConfirmModal
        opened={deleteOpened}
        title={`Delete ${campaign.name}?`}
        confirmLabel="Delete campaign"
        pending={remove.isPending}
        error={remove.error ? remove.error.message : null}
        onClose={() => {
          deleteModal.close();
          remove.reset();
        }}
        onConfirm={() =>
          remove.mutate(campaign.id, {
            onSuccess: () => {
              deleteModal.close();
              notifications.show({ message: `${campaign.name} was deleted.` });
              void navigate('/campaigns', { replace: true });
            },
          })
        }
      >
        The campaign, its recipients and its statistics are removed for good.
      </ConfirmModal>
    </>
  );
}
