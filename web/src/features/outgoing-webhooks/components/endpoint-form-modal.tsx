import { Checkbox, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormModal } from '@/components/form-modal';
import { useServerFormErrors } from '@/lib/form-errors';
import { type EndpointWithSecret, useCreateEndpoint } from '../api/create-endpoint';
import type { Endpoint } from '../api/get-endpoints';
import { type UpdateEndpointInput, useUpdateEndpoint } from '../api/update-endpoint';
import { allEvents, eventDescriptions, knownEvents, subscribesToAll } from '../lib/events';

const fields = ['url', 'description', 'events'] as const;
const maxDescription = 500;

interface EndpointFormModalProps {
  opened: boolean;
  /** The endpoint to edit; null to add a new one. */
  endpoint: Endpoint | null;
  onClose: () => void;
  /** After a creation: the answer holds the secret, shown once. */
  onCreated: (created: EndpointWithSecret) => void;
}

/** Adds an endpoint, or changes one's URL, description and events. */
export function EndpointFormModal(props: EndpointFormModalProps) {
  // A fresh form each time it opens, started from the saved values.
  return props.opened ? <EndpointForm key={props.endpoint?.id ?? 'new'} {...props} /> : null;
}

function checkUrl(value: string): string | null {
  const url = value.trim();
  if (url === '') return 'Enter the URL that should receive the events';
  if (!/^https?:\/\/[^\s/]+/i.test(url)) return 'Use a URL that starts with http:// or https://';
  return null;
}

function EndpointForm({ opened, endpoint, onClose, onCreated }: EndpointFormModalProps) {
  const createEndpoint = useCreateEndpoint();
  const updateEndpoint = useUpdateEndpoint();
  const pending = createEndpoint.isPending || updateEndpoint.isPending;
  const savedEvents = endpoint?.events ?? [allEvents];
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      url: endpoint?.url ?? '',
      description: endpoint?.description ?? '',
      all: subscribesToAll(savedEvents),
      events: subscribesToAll(savedEvents) ? [] : savedEvents,
    },
    validate: {
      url: checkUrl,
      description: (value) =>
        value.trim().length > maxDescription ? `At most ${maxDescription} characters` : null,
      events: (value, values) =>
        !values.all && value.length === 0 ? 'Choose at least one event, or all events' : null,
    },
  });
  const serverErrors = useServerFormErrors(form, fields);

  const close = () => {
    serverErrors.clear();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    const events = values.all ? [allEvents] : values.events;
    if (!endpoint) {
      createEndpoint.mutate(
        { url: values.url.trim(), description: values.description.trim(), events },
        {
          onSuccess: (created) => {
            close();
            onCreated(created);
          },
          onError: serverErrors.show,
        },
      );
      return;
    }
    const changes: UpdateEndpointInput = { id: endpoint.id };
    if (values.url.trim() !== endpoint.url) changes.url = values.url.trim();
    if (values.description.trim() !== endpoint.description) {
      changes.description = values.description.trim();
    }
    if (events.join(',') !== endpoint.events.join(',')) changes.events = events;
    if (Object.keys(changes).length === 1) {
      close();
      return;
    }
    updateEndpoint.mutate(changes, {
      onSuccess: () => {
        notifications.show({ color: 'teal', message: 'The endpoint was saved.' });
        close();
      },
      onError: serverErrors.show,
    });
  });

  const title = endpoint ? 'Edit endpoint' : 'Add an endpoint';
  return (
    <FormModal
      opened={opened}
      title={title}
      onClose={close}
      onSubmit={submit}
      submitLabel={endpoint ? 'Save endpoint' : 'Add endpoint'}
      pending={pending}
      error={serverErrors.formError}
    >
      <TextInput
        label="URL"
        description="Kirim POSTs each event here as JSON, signed with the endpoint's secret."
        placeholder="https://crm.example.com/kirim/events"
        autoComplete="off"
        data-autofocus
        {...form.getInputProps('url')}
      />
      <Textarea
        label="Description"
        description="Optional: what receives these events."
        autosize
        minRows={1}
        maxRows={3}
        {...form.getInputProps('description')}
      />
      <Stack gap="xs">
        <Checkbox
          label="All events"
          description="Including events added to Kirim later."
          {...form.getInputProps('all', { type: 'checkbox' })}
        />
        {!form.values.all && (
          <Checkbox.Group
            label="Events"
            description="Send only these."
            {...form.getInputProps('events')}
          >
            <Stack gap={6} mt={6}>
              {knownEvents.map((name) => (
                <Checkbox
                  key={name}
                  value={name}
                  label={
                    <Text size="sm" ff="monospace">
                      {name}
                    </Text>
                  }
                  description={eventDescriptions[name]}
                />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
      </Stack>
    </FormModal>
  );
}
