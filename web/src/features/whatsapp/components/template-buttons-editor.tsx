import { ActionIcon, Button, Fieldset, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import {
  IconArrowBackUp,
  IconCopy,
  IconExternalLink,
  IconPhone,
  IconTrash,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import {
  type ButtonDraft,
  type ButtonKind,
  buttonKindLimits,
  newButton,
  type TemplateFormValues,
  templateLimits,
} from '../lib/template-form';

const kinds: { type: ButtonKind; label: string; add: string; icon: ReactNode; help: string }[] = [
  {
    type: 'QUICK_REPLY',
    label: 'Quick reply',
    add: 'Add a quick reply button',
    icon: <IconArrowBackUp size={14} aria-hidden />,
    help: 'Sends its label back as the reply; good for “Stop promotions”.',
  },
  {
    type: 'URL',
    label: 'URL',
    add: 'Add a URL button',
    icon: <IconExternalLink size={14} aria-hidden />,
    help: 'Opens a web page; may end with one variable, {{1}}.',
  },
  {
    type: 'PHONE_NUMBER',
    label: 'Phone number',
    add: 'Add a phone number button',
    icon: <IconPhone size={14} aria-hidden />,
    help: 'Calls your business.',
  },
  {
    type: 'COPY_CODE',
    label: 'Copy code',
    add: 'Add a copy code button',
    icon: <IconCopy size={14} aria-hidden />,
    help: 'Copies a coupon code; its label is set by WhatsApp.',
  },
];

const kindLabels = Object.fromEntries(kinds.map((kind) => [kind.type, kind.label])) as Record<
  ButtonKind,
  string
>;

function ButtonFields({
  form,
  button,
  index,
}: {
  form: UseFormReturnType<TemplateFormValues>;
  button: ButtonDraft;
  index: number;
}) {
  const path = `buttons.${index}`;
  const number = index + 1;
  return (
    <Paper withBorder radius="sm" p="sm" role="group" aria-label={`Button ${number}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            {number}. {kindLabels[button.type]}
          </Text>
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove button ${number}`}
            onClick={() => form.removeListItem('buttons', index)}
          >
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
        {button.type !== 'COPY_CODE' && (
          <TextInput
            label={`Button ${number} label`}
            description={`${button.text.length} / ${templateLimits.buttonText}`}
            {...form.getInputProps(`${path}.text`)}
          />
        )}
        {button.type === 'URL' && (
          <>
            <TextInput
              label={`Button ${number} URL`}
              placeholder="https://example.com/orders/{{1}}"
              description="May end with {{1}}, filled in per message."
              {...form.getInputProps(`${path}.url`)}
            />
            {button.url.includes('{{') && (
              <TextInput
                label={`Button ${number} example for {{1}}`}
                placeholder="12345"
                {...form.getInputProps(`${path}.url_example`)}
              />
            )}
          </>
        )}
        {button.type === 'PHONE_NUMBER' && (
          <TextInput
            label={`Button ${number} phone number`}
            placeholder="+1 555 0100"
            type="tel"
            {...form.getInputProps(`${path}.phone_number`)}
          />
        )}
        {button.type === 'COPY_CODE' && (
          <TextInput
            label={`Button ${number} sample code`}
            description={`Up to ${templateLimits.copyCode} characters; each message sets its own code.`}
            {...form.getInputProps(`${path}.code`)}
          />
        )}
      </Stack>
    </Paper>
  );
}

/** The template's buttons: at most 10, with Meta's limits per kind. */
export function TemplateButtonsEditor({ form }: { form: UseFormReturnType<TemplateFormValues> }) {
  const buttons = form.values.buttons;
  const full = buttons.length >= templateLimits.buttons;
  const error = form.errors.buttons;
  return (
    <Fieldset legend="Buttons (optional)">
      <Stack gap="sm">
        {buttons.map((button, index) => (
          <ButtonFields key={button.key} form={form} button={button} index={index} />
        ))}
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
        <Group gap="xs">
          {kinds.map((kind) => {
            const used = buttons.filter((button) => button.type === kind.type).length;
            const disabled = full || used >= buttonKindLimits[kind.type];
            return (
              <Button
                key={kind.type}
                variant="default"
                size="xs"
                leftSection={kind.icon}
                disabled={disabled}
                title={kind.help}
                aria-label={kind.add}
                onClick={() => form.insertListItem('buttons', newButton(kind.type))}
              >
                {kind.label}
              </Button>
            );
          })}
        </Group>
        <Text size="xs" c="dimmed">
          {buttons.length} of {templateLimits.buttons} buttons; at most two URL buttons, one phone
          number and one copy code.
        </Text>
      </Stack>
    </Fieldset>
  );
}
