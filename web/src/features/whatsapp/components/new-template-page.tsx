import {
  Button,
  Fieldset,
  Grid,
  Group,
  NativeSelect,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconBrandWhatsapp, IconBraces } from '@tabler/icons-react';
import { useDeferredValue, useId, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { FormErrorAlert } from '@/components/form-error-alert';
import { CardSkeleton } from '@/components/skeletons';
import type { Me } from '@/lib/auth';
import { canManageTemplates } from '@/lib/authorization';
import { RestrictedNotice } from '@/components/restricted-notice';
import { useCreateTemplate } from '../api/create-template';
import { type Account, useAccounts } from '../api/get-accounts';
import type { ParameterFormat, TemplateCategory } from '../api/get-templates';
import { categoryDescriptions, humanize, templateCategories } from '../lib/labels';
import { templateLocales } from '../lib/locales';
import { previewFromForm } from '../lib/preview';
import {
  bodyVariables,
  createTemplateBody,
  emptyTemplateForm,
  type HeaderFormat,
  headerVariables,
  normalizeTemplateName,
  placeServerErrors,
  type TemplateFormValues,
  templateLimits,
  validateTemplateForm,
} from '../lib/template-form';
import { isValidVariableName, nextPositionalVariable } from '../lib/template-text';
import { TemplateButtonsEditor } from './template-buttons-editor';
import { TemplatePreview } from './template-preview';

type Form = UseFormReturnType<TemplateFormValues>;

function counter(value: string, limit: number): string {
  return `${value.length} / ${limit}`;
}

const headerFormats: { value: HeaderFormat; label: string }[] = [
  { value: 'NONE', label: 'None' },
  { value: 'TEXT', label: 'Text' },
  { value: 'IMAGE', label: 'Image' },
  { value: 'VIDEO', label: 'Video' },
  { value: 'DOCUMENT', label: 'Document' },
];

/** A labelled SegmentedControl: the label names its radio group. */
function Choice<T extends string>({
  label,
  description,
  value,
  data,
  onChange,
}: {
  label: string;
  description?: string;
  value: T;
  data: { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  const id = useId();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={id}>
        {label}
      </Text>
      {description && (
        <Text size="xs" c="dimmed">
          {description}
        </Text>
      )}
      <SegmentedControl
        aria-labelledby={id}
        value={value}
        data={data}
        onChange={(next) => onChange(next as T)}
        style={{ alignSelf: 'flex-start' }}
      />
    </Stack>
  );
}

/** The body, with a button that puts the next variable where the cursor is. */
function BodyField({ form }: { form: Form }) {
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const [variableName, setVariableName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const format = form.values.parameter_format;

  const insert = (token: string) => {
    const textarea = bodyRef.current;
    const body = form.getValues().body;
    const start = textarea?.selectionStart ?? body.length;
    const end = textarea?.selectionEnd ?? body.length;
    form.setFieldValue('body', body.slice(0, start) + token + body.slice(end));
    const caret = start + token.length;
    requestAnimationFrame(() => {
      textarea?.focus();
      textarea?.setSelectionRange(caret, caret);
    });
  };

  const insertNamed = () => {
    const name = variableName.trim();
    if (!isValidVariableName(name, 'named')) {
      setNameError('Use lowercase letters, digits and _, e.g. first_name');
      return;
    }
    setNameError(null);
    insert(`{{${name}}}`);
    setVariableName('');
  };

  const next = nextPositionalVariable(form.values.body);
  return (
    <Stack gap="xs">
      <Textarea
        ref={bodyRef}
        label="Body"
        description={`${counter(form.values.body, templateLimits.body)}. WhatsApp formatting works: *bold*, _italic_, ~strikethrough~, \`\`\`monospace\`\`\`.`}
        autosize
        minRows={5}
        maxRows={16}
        withAsterisk
        {...form.getInputProps('body')}
      />
      {format === 'positional' ? (
        <Button
          variant="light"
          size="xs"
          leftSection={<IconBraces size={14} aria-hidden />}
          onClick={() => insert(`{{${next}}}`)}
          style={{ alignSelf: 'flex-start' }}
        >
          {`Add variable {{${next}}}`}
        </Button>
      ) : (
        <Group gap="xs" align="flex-start">
          <TextInput
            size="xs"
            label="Variable name"
            placeholder="first_name"
            value={variableName}
            error={nameError}
            onChange={(event) => setVariableName(normalizeTemplateName(event.currentTarget.value))}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                insertNamed();
              }
            }}
          />
          <Button
            variant="light"
            size="xs"
            mt={22}
            leftSection={<IconBraces size={14} aria-hidden />}
            onClick={insertNamed}
          >
            Insert variable
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** One input per variable: Meta reviews the template with these values. */
function ExampleFields({ form }: { form: Form }) {
  const header = headerVariables(form.values);
  const body = bodyVariables(form.values);
  if (header.length === 0 && body.length === 0) return null;

  const field = (kind: 'header_examples' | 'body_examples', name: string, label: string) => (
    <TextInput
      key={`${kind}-${name}`}
      label={label}
      withAsterisk
      value={form.values[kind][name] ?? ''}
      error={form.errors[`${kind}.${name}`]}
      onChange={(event) => {
        form.setFieldValue(kind, { ...form.getValues()[kind], [name]: event.currentTarget.value });
        form.clearFieldError(`${kind}.${name}`);
      }}
    />
  );

  return (
    <Fieldset legend="Examples">
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          Meta reviews the template with these sample values; they are not sent to anyone.
        </Text>
        {header.map((name) => field('header_examples', name, `Header example for {{${name}}}`))}
        {body.map((name) => field('body_examples', name, `Example for {{${name}}}`))}
      </Stack>
    </Fieldset>
  );
}

function TemplateEditor({ accounts }: { accounts: Account[] }) {
  const navigate = useNavigate();
  const createTemplate = useCreateTemplate();
  const [formError, setFormError] = useState<string | null>(null);
  const [fillExamples, setFillExamples] = useState(false);
  const form = useForm<TemplateFormValues>({
    mode: 'controlled',
    initialValues: emptyTemplateForm(String(accounts[0]?.id ?? '')),
    validate: validateTemplateForm,
    validateInputOnBlur: true,
  });

  const submit = form.onSubmit(
    (values) => {
      setFormError(null);
      const body = createTemplateBody(values);
      createTemplate.mutate(body, {
        onSuccess: (template) => {
          notifications.show({
            color: 'teal',
            title: 'Template submitted',
            message: `${template.name} is waiting for Meta's review.`,
          });
          void navigate(`/templates?template=${template.id}`);
        },
        onError: (error) => {
          const placed = placeServerErrors(error, body.components, values);
          form.setErrors(placed.fieldErrors);
          setFormError(placed.formError);
        },
      });
    },
    () => setFormError('Some fields need attention; each says what to change.'),
  );

  const values = form.values;
  // Typing stays quick however large the template: the bubble follows a moment later.
  const previewValues = useDeferredValue(values);
  const preview = useMemo(() => previewFromForm(previewValues), [previewValues]);
  const mediaHeader = values.header_format !== 'NONE' && values.header_format !== 'TEXT';

  return (
    <form onSubmit={submit} noValidate aria-label="New template">
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Fieldset legend="Template">
              <Stack gap="sm">
                <NativeSelect
                  label="Account"
                  data={accounts.map((account) => ({
                    value: String(account.id),
                    label: account.name,
                  }))}
                  {...form.getInputProps('account_id')}
                />
                <TextInput
                  label="Name"
                  description="Lowercase letters, digits and _; spaces become _ as you type."
                  placeholder="order_update"
                  withAsterisk
                  data-autofocus
                  {...form.getInputProps('name')}
                  onChange={(event) =>
                    form.setFieldValue('name', normalizeTemplateName(event.currentTarget.value))
                  }
                />
                <NativeSelect
                  label="Language"
                  data={templateLocales.map((locale) => ({
                    value: locale.code,
                    label: `${locale.label} (${locale.code})`,
                  }))}
                  {...form.getInputProps('language')}
                />
                <NativeSelect
                  label="Category"
                  description={categoryDescriptions[values.category]}
                  data={templateCategories.map((category) => ({
                    value: category,
                    label: humanize(category),
                  }))}
                  {...form.getInputProps('category')}
                  onChange={(event) =>
                    form.setFieldValue('category', event.currentTarget.value as TemplateCategory)
                  }
                />
                <Choice<ParameterFormat>
                  label="Variables"
                  description="Numbered ({{1}}, {{2}}) or named ({{first_name}}); a template uses one kind."
                  value={values.parameter_format}
                  data={[
                    { value: 'positional', label: 'Numbered' },
                    { value: 'named', label: 'Named' },
                  ]}
                  onChange={(format) => form.setFieldValue('parameter_format', format)}
                />
              </Stack>
            </Fieldset>

            <Fieldset legend="Content">
              <Stack gap="sm">
                <Choice<HeaderFormat>
                  label="Header"
                  value={values.header_format}
                  data={headerFormats}
                  onChange={(format) => form.setFieldValue('header_format', format)}
                />
                {values.header_format === 'TEXT' && (
                  <TextInput
                    label="Header text"
                    description={`${counter(values.header_text, templateLimits.headerText)}; at most one variable.`}
                    {...form.getInputProps('header_text')}
                  />
                )}
                {mediaHeader && (
                  <TextInput
                    label="Sample media URL"
                    description={`A public ${values.header_format.toLowerCase()} Meta reviews the template with; each message sends its own.`}
                    placeholder="https://example.com/sample.jpg"
                    {...form.getInputProps('header_media_url')}
                  />
                )}
                <BodyField form={form} />
                <TextInput
                  label="Footer (optional)"
                  description={`${counter(values.footer, templateLimits.footer)}; no variables.`}
                  {...form.getInputProps('footer')}
                />
              </Stack>
            </Fieldset>

            <ExampleFields form={form} />
            <TemplateButtonsEditor form={form} />

            <FormErrorAlert message={formError} />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" component={Link} to="/templates">
                Cancel
              </Button>
              <Button type="submit" loading={createTemplate.isPending}>
                Submit for review
              </Button>
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="sm" style={{ position: 'sticky', top: 76 }}>
            <Group justify="space-between">
              <Text fw={600}>Preview</Text>
              <Switch
                size="xs"
                label="Show examples"
                checked={fillExamples}
                onChange={(event) => setFillExamples(event.currentTarget.checked)}
              />
            </Group>
            <TemplatePreview model={preview} fillExamples={fillExamples} label="Preview" />
          </Stack>
        </Grid.Col>
      </Grid>
    </form>
  );
}

/** "New template": the form, a live preview, and Meta's rules checked as far as they can be. */
export function NewTemplatePage({ me }: { me: Me }) {
  const accounts = useAccounts();
  let content;
  if (!canManageTemplates(me.role)) {
    content = (
      <RestrictedNotice>
        Viewers cannot create templates. Ask an editor, admin or owner.
      </RestrictedNotice>
    );
  } else if (accounts.isPending) {
    content = <CardSkeleton lines={6} />;
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
    content = (
      <EmptyState
        icon={<IconBrandWhatsapp size={26} aria-hidden />}
        title="Connect a WhatsApp account first"
        description="A template is submitted to Meta through a WhatsApp Business account. Connect one under Settings → WhatsApp."
      />
    );
  } else {
    content = <TemplateEditor accounts={accounts.data} />;
  }
  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">
          New template
        </Title>
        <Text c="dimmed" size="sm">
          Meta reviews every template before it can be sent, usually within minutes; the status
          updates here by itself.
        </Text>
      </div>
      {content}
    </Stack>
  );
}
