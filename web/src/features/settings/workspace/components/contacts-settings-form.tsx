import { Button, Group, Select, Skeleton, Stack, TagsInput, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { ErrorState } from '@/components/error-state';
import { FormErrorAlert } from '@/components/form-error-alert';
import { SectionCard } from '@/components/section-card';
import { countryFlag, countryName, phoneRegionOptions } from '@/lib/countries';
import { useServerFormErrors } from '@/lib/form-errors';
import { useWorkspaceSettings, type WorkspaceSettings } from '@/lib/workspace-settings';
import { useUpdateWorkspace } from '../api/update-workspace';

// docs/api.md, PATCH /workspace: up to 20 keywords of 1 to 32 characters each.
const maxKeywords = 20;
const maxKeywordLength = 32;

const formFields = ['default_region', 'opt_out_keywords', 'opt_in_keywords'] as const;

function checkKeywords(keywords: string[]): string | null {
  if (keywords.length > maxKeywords) return `Use at most ${maxKeywords} keywords`;
  const long = keywords.find((keyword) => keyword.length > maxKeywordLength);
  return long ? `“${long}” is longer than ${maxKeywordLength} characters` : null;
}

function sameKeywords(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((keyword, index) => keyword === b[index]);
}

function KeywordList({ keywords }: { keywords: string[] }) {
  return (
    <Text size="sm" fw={500}>
      {keywords.length > 0 ? keywords.join(', ') : 'None'}
    </Text>
  );
}

function ContactsSettingsForm({ settings }: { settings: WorkspaceSettings }) {
  const updateWorkspace = useUpdateWorkspace();
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      default_region: settings.default_region,
      opt_out_keywords: settings.opt_out_keywords,
      opt_in_keywords: settings.opt_in_keywords,
    },
    validate: {
      opt_out_keywords: checkKeywords,
      opt_in_keywords: (value, values) => {
        const problem = checkKeywords(value);
        if (problem) return problem;
        const clash = value.find((keyword) =>
          values.opt_out_keywords.some((other) => other.toLowerCase() === keyword.toLowerCase()),
        );
        return clash ? `“${clash}” cannot both opt in and opt out` : null;
      },
    },
  });
  const serverErrors = useServerFormErrors(form, formFields);

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    updateWorkspace.mutate(
      {
        ...(values.default_region ? { default_region: values.default_region } : {}),
        opt_out_keywords: values.opt_out_keywords,
        opt_in_keywords: values.opt_in_keywords,
      },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: 'Contact settings saved.' });
        },
        onError: serverErrors.show,
      },
    );
  });

  const dirty =
    form.values.default_region !== settings.default_region ||
    !sameKeywords(form.values.opt_out_keywords, settings.opt_out_keywords) ||
    !sameKeywords(form.values.opt_in_keywords, settings.opt_in_keywords);

  return (
    <form onSubmit={submit} noValidate aria-label="Contact settings">
      <Stack gap="md" maw={560}>
        <Select
          label="Default phone region"
          description="Numbers written without + (in imports, forms and the API) are read as numbers of this country."
          placeholder="None: every number needs its +country code"
          data={phoneRegionOptions()}
          searchable
          nothingFoundMessage="No such country"
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('default_region')}
        />
        <TagsInput
          label="Opt-out keywords"
          description="A message that is exactly one of these (any case) opts the contact out, e.g. STOP."
          splitChars={[',']}
          acceptValueOnBlur
          {...form.getInputProps('opt_out_keywords')}
        />
        <TagsInput
          label="Opt-in keywords"
          description="A message that is exactly one of these opts the contact back in, e.g. START."
          splitChars={[',']}
          acceptValueOnBlur
          {...form.getInputProps('opt_in_keywords')}
        />
        <FormErrorAlert message={serverErrors.formError} />
        <Group>
          <Button type="submit" loading={updateWorkspace.isPending} disabled={!dirty}>
            Save contact settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Workspace settings that shape contacts: the default phone region and consent keywords. */
export function ContactsSettings({ editable }: { editable: boolean }) {
  const settings = useWorkspaceSettings();
  let body;
  if (settings.isPending) {
    body = (
      <Stack gap="sm" aria-busy="true" aria-label="Loading" maw={560}>
        <Skeleton height={36} />
        <Skeleton height={36} />
        <Skeleton height={36} />
      </Stack>
    );
  } else if (settings.isError) {
    body = (
      <ErrorState
        title="Couldn't load the contact settings"
        error={settings.error}
        onRetry={() => void settings.refetch()}
        retrying={settings.isFetching}
      />
    );
  } else if (editable) {
    body = <ContactsSettingsForm settings={settings.data} />;
  } else {
    const region = settings.data.default_region;
    body = (
      <Stack gap="sm">
        <div>
          <Text size="sm" c="dimmed">
            Default phone region
          </Text>
          <Text size="sm" fw={500}>
            {region ? `${countryFlag(region)} ${countryName(region)}` : 'None'}
          </Text>
        </div>
        <div>
          <Text size="sm" c="dimmed">
            Opt-out keywords
          </Text>
          <KeywordList keywords={settings.data.opt_out_keywords} />
        </div>
        <div>
          <Text size="sm" c="dimmed">
            Opt-in keywords
          </Text>
          <KeywordList keywords={settings.data.opt_in_keywords} />
        </div>
      </Stack>
    );
  }
  return (
    <SectionCard
      title="Contacts and consent"
      description="How phone numbers are read and which replies change a contact's consent."
    >
      {body}
    </SectionCard>
  );
}
