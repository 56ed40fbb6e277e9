import { Button, Collapse, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { FormModal } from '@/components/form-modal';
import { isApiError } from '@/lib/api-client';
import { useServerFormErrors } from '@/lib/form-errors';
import { type CreateAccountInput, useCreateAccount } from '../api/create-account';
import { checkGraphUrl, checkWabaId } from '../lib/account-rules';

const fields = [
  'name',
  'waba_id',
  'access_token',
  'app_secret',
  'verify_token',
  'graph_url',
] as const;

interface ConnectAccountModalProps {
  opened: boolean;
  onClose: () => void;
}

/** Connects a WhatsApp Business account: Kirim fetches its numbers from the Graph API at once. */
export function ConnectAccountModal({ opened, onClose }: ConnectAccountModalProps) {
  const createAccount = useCreateAccount();
  const [advancedOpened, advanced] = useDisclosure(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      name: '',
      waba_id: '',
      access_token: '',
      app_secret: '',
      verify_token: '',
      graph_url: '',
    },
    validate: {
      name: (value) => (value.trim() === '' ? 'Enter a name, e.g. the brand it sends for' : null),
      waba_id: checkWabaId,
      access_token: (value) =>
        value.trim() === '' ? 'Paste the access token of your Meta app' : null,
      graph_url: checkGraphUrl,
    },
  });
  const serverErrors = useServerFormErrors(form, fields);

  const close = () => {
    form.reset();
    serverErrors.clear();
    createAccount.reset();
    advanced.close();
    onClose();
  };

  const submit = form.onSubmit(
    (values) => {
      serverErrors.clear();
      const input: CreateAccountInput = {
        name: values.name.trim(),
        waba_id: values.waba_id.trim(),
        access_token: values.access_token.trim(),
      };
      if (values.app_secret.trim() !== '') input.app_secret = values.app_secret.trim();
      if (values.verify_token.trim() !== '') input.verify_token = values.verify_token.trim();
      if (values.graph_url.trim() !== '') input.graph_url = values.graph_url.trim();
      createAccount.mutate(input, {
        onSuccess: (account) => {
          const count = account.phone_numbers.length;
          notifications.show(
            account.refresh_error
              ? {
                  color: 'yellow',
                  title: `${account.name} is connected`,
                  message: `Its phone numbers could not be fetched: ${account.refresh_error}`,
                  autoClose: 10_000,
                }
              : {
                  color: 'teal',
                  title: `${account.name} is connected`,
                  message: `${count} phone number${count === 1 ? '' : 's'} found.`,
                },
          );
          close();
        },
        onError: (error) => {
          serverErrors.show(error);
          if (isApiError(error) && error.details.graph_url !== undefined) advanced.open();
        },
      });
    },
    (errors) => {
      if (errors.graph_url) advanced.open();
    },
  );

  return (
    <FormModal
      opened={opened}
      title="Connect a WhatsApp account"
      onClose={close}
      onSubmit={submit}
      submitLabel="Connect account"
      pending={createAccount.isPending}
      error={serverErrors.formError}
    >
      <TextInput
        label="Name"
        description="How Kirim shows this account, e.g. “Acme main”."
        autoComplete="off"
        data-autofocus
        {...form.getInputProps('name')}
      />
      <TextInput
        label="WABA ID"
        description="The WhatsApp Business account ID, in Meta's WhatsApp Manager or your app's API setup page."
        inputMode="numeric"
        autoComplete="off"
        {...form.getInputProps('waba_id')}
      />
      <PasswordInput
        label="Access token"
        description="A system user token with whatsapp_business_messaging and whatsapp_business_management. Stored encrypted, never shown again."
        autoComplete="off"
        {...form.getInputProps('access_token')}
      />
      <PasswordInput
        label="App secret (optional)"
        description="Your Meta app's secret: Kirim checks the signature of each webhook with it."
        autoComplete="off"
        {...form.getInputProps('app_secret')}
      />
      <PasswordInput
        label="Verify token (optional)"
        description="Any phrase you choose; type the same in Meta's webhook settings."
        autoComplete="off"
        {...form.getInputProps('verify_token')}
      />
      <Stack gap="xs">
        <Button
          variant="subtle"
          size="compact-sm"
          color="gray"
          onClick={advanced.toggle}
          aria-expanded={advancedOpened}
          aria-controls="connect-account-advanced"
          leftSection={
            advancedOpened ? (
              <IconChevronDown size={14} aria-hidden />
            ) : (
              <IconChevronRight size={14} aria-hidden />
            )
          }
          style={{ alignSelf: 'flex-start' }}
        >
          Advanced
        </Button>
        <Collapse in={advancedOpened} id="connect-account-advanced">
          <TextInput
            label="Graph API URL (optional)"
            description="Leave empty for Meta. For the local sandbox: http://127.0.0.1:8090/v23.0"
            placeholder="https://graph.facebook.com/v23.0"
            autoComplete="off"
            {...form.getInputProps('graph_url')}
          />
        </Collapse>
      </Stack>
    </FormModal>
  );
}
