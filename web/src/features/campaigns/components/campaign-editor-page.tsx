import {
  Alert,
  Anchor,
  Button,
  Grid,
  Group,
  Paper,
  Skeleton,
  Stack,
  Stepper,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconDeviceFloppy, IconRocket } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ErrorState } from '@/components/error-state';
import { RestrictedNotice } from '@/components/restricted-notice';
import { isApiError } from '@/lib/api-client';
import type { Me } from '@/lib/auth';
import { canEditCampaigns } from '@/lib/authorization';
import { useCreateCampaign } from '../api/create-campaign';
import { type EstimateInput, useAudienceEstimate } from '../api/estimate-audience';
import { type Campaign, campaignQueryOptions } from '../api/get-campaign';
import { type ContactField, useContactFields } from '../api/get-contact-fields';
import { type SenderOption, usePhoneNumbers } from '../api/get-phone-numbers';
import { useSampleContact } from '../api/get-sample-contact';
import { useTags } from '../api/get-tags';
import { type Template, useTemplates } from '../api/get-templates';
import { useLaunchCampaign } from '../api/launch-campaign';
import { useUpdateCampaign } from '../api/update-campaign';
import { audienceFromDraft, filterFromDraft } from '../lib/audience';
import { describeSchedule } from '../lib/describe';
import {
  draftProblems,
  type EditorStep,
  editorSteps,
  type EditorValues,
  emptyEditorValues,
  errorsByStep,
  inputFromValues,
  maxNameLength,
  messageFromValues,
  valuesFromCampaign,
} from '../lib/editor';
import { canEdit } from '../lib/states';
import { AudienceStep } from './editor-audience-step';
import { GoalStep } from './editor-goal-step';
import { MessageStep } from './editor-message-step';
import { ScheduleStep } from './editor-schedule-step';
import { SendersStep } from './editor-senders-step';
import { EditorSummary } from './editor-summary';
import { LaunchModal } from './launch-modal';

/** The audience is counted once typing and clicking pause this long. */
export const estimateDebounceMs = 400;

/** What the editor passes along when it moves from /campaigns/new to the saved draft's URL. */
interface EditorLocationState {
  step?: EditorStep;
  launch?: boolean;
}

function readLocationState(state: unknown): EditorLocationState {
  if (state === null || typeof state !== 'object') return {};
  const { step, launch } = state as Record<string, unknown>;
  return {
    step: editorSteps.some((entry) => entry.step === step) ? (step as EditorStep) : undefined,
    launch: launch === true,
  };
}

interface EditorFormProps {
  campaign: Campaign | null;
  templates: Template[];
  numbers: SenderOption[];
  fields: ContactField[];
  tagNames: string[];
  initialStep: EditorStep;
  launchOnOpen: boolean;
}

function EditorForm({
  campaign,
  templates,
  numbers,
  fields,
  tagNames,
  initialStep,
  launchOnOpen,
}: EditorFormProps) {
  const navigate = useNavigate();
  const [values, setValues] = useState<EditorValues>(() =>
    campaign ? valuesFromCampaign(campaign, templates) : emptyEditorValues,
  );
  const [step, setStep] = useState<EditorStep>(initialStep);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [launchOpened, setLaunchOpened] = useState(launchOnOpen);
  const create = useCreateCampaign();
  const update = useUpdateCampaign();
  const launch = useLaunchCampaign();
  const saving = create.isPending || update.isPending;

  const template = templates.find((candidate) => candidate.id === values.templateId);
  const onChange = (patch: Partial<EditorValues>) =>
    setValues((current) => ({ ...current, ...patch }));

  // Counted from a debounced copy: one request per pause, not per keystroke.
  const estimateKey = JSON.stringify({
    audience: audienceFromDraft(values.audience),
    ...(values.messageKind === 'text' ? { message: messageFromValues(values, undefined) } : {}),
  });
  const [debouncedKey] = useDebouncedValue(estimateKey, estimateDebounceMs);
  const estimateInput = useMemo(() => JSON.parse(debouncedKey) as EstimateInput, [debouncedKey]);
  const estimate = useAudienceEstimate(estimateInput);
  const sampleFilter = useMemo(
    () => (values.audience.mode === 'everyone' ? {} : filterFromDraft(values.audience.filter)),
    [values.audience],
  );
  const [debouncedFilter] = useDebouncedValue(sampleFilter, estimateDebounceMs);
  const sample = useSampleContact(debouncedFilter);

  const grouped = errorsByStep(errors);
  const problems = Object.fromEntries(
    editorSteps.map(({ step: each }) => [each, Object.keys(grouped[each]).length]),
  ) as Record<EditorStep, number>;
  const activeIndex = editorSteps.findIndex((entry) => entry.step === step);

  const showErrors = (error: unknown) => {
    if (
      isApiError(error) &&
      error.code === 'validation_failed' &&
      Object.keys(error.details).length > 0
    ) {
      setErrors(error.details);
      setFormError(null);
      const byStep = errorsByStep(error.details);
      const first = editorSteps.find((entry) => Object.keys(byStep[entry.step]).length > 0);
      if (first) setStep(first.step);
      return;
    }
    setFormError(error instanceof Error ? error.message : 'Something went wrong. Try again.');
  };

  /** Saves the draft; the saved campaign, or null when it was refused. */
  const save = async (): Promise<Campaign | null> => {
    const local = draftProblems(values);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      setStep('name');
      return null;
    }
    const input = inputFromValues(values, template);
    try {
      const saved = campaign
        ? await update.mutateAsync({ id: campaign.id, ...input })
        : await create.mutateAsync(input);
      setErrors({});
      setFormError(null);
      return saved;
    } catch (error) {
      showErrors(error);
      return null;
    }
  };

  const onSave = async () => {
    const saved = await save();
    if (!saved) return;
    notifications.show({ message: 'Draft saved.' });
    if (!campaign) {
      void navigate(`/campaigns/${saved.id}/edit`, { replace: true, state: { step } });
    }
  };

  const onLaunch = async () => {
    const saved = await save();
    if (!saved) return;
    if (!campaign) {
      void navigate(`/campaigns/${saved.id}/edit`, {
        replace: true,
        state: { step, launch: true },
      });
      return;
    }
    launch.reset();
    setLaunchOpened(true);
  };

  const confirmLaunch = () => {
    if (!campaign) return;
    launch.mutate(campaign.id, {
      onSuccess: (launched) => {
        setLaunchOpened(false);
        notifications.show({
          color: 'green',
          message:
            launched.state === 'scheduled'
              ? `${launched.name} is scheduled.`
              : `${launched.name} is sending.`,
        });
        void navigate(`/campaigns/${launched.id}`);
      },
      onError: (error) => {
        if (isApiError(error) && error.code === 'validation_failed') {
          setLaunchOpened(false);
          showErrors(error);
        }
      },
    });
  };

  const launchError =
    launch.error && !(isApiError(launch.error) && launch.error.code === 'validation_failed')
      ? launch.error.message
      : null;
  const senders = numbers.filter((number) => values.senders.includes(number.id));

  let content;
  switch (step) {
    case 'name':
      content = (
        <TextInput
          label="Campaign name"
          description="Only your team sees it."
          value={values.name}
          onChange={(event) => onChange({ name: event.currentTarget.value })}
          maxLength={maxNameLength}
          error={grouped.name.name}
          data-autofocus
          required
        />
      );
      break;
    case 'audience':
      content = (
        <AudienceStep
          value={values.audience}
          onChange={(audience) => onChange({ audience })}
          fields={fields}
          tagNames={tagNames}
          errors={grouped.audience}
          estimate={estimate}
          textMessage={values.messageKind === 'text'}
        />
      );
      break;
    case 'message':
      content = (
        <MessageStep
          values={values}
          onChange={onChange}
          templates={templates}
          fields={fields}
          errors={grouped.message}
          sample={sample.data ?? null}
          estimate={estimate.data}
        />
      );
      break;
    case 'senders':
      content = (
        <SendersStep
          numbers={numbers}
          senders={values.senders}
          speed={values.speed}
          onChange={onChange}
          errors={grouped.senders}
          contacts={estimate.data?.contacts ?? null}
        />
      );
      break;
    case 'schedule':
      content = <ScheduleStep values={values} onChange={onChange} errors={grouped.schedule} />;
      break;
    case 'goal':
      content = <GoalStep values={values} onChange={onChange} errors={grouped.goal} />;
      break;
  }

  return (
    <Grid gutter="lg">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="md">
          <Stepper
            active={activeIndex}
            onStepClick={(index) => setStep(editorSteps[index]!.step)}
            size="sm"
            allowNextStepsSelect
            wrap
            role="group"
            aria-label="Steps"
          >
            {editorSteps.map((entry) => (
              <Stepper.Step
                key={entry.step}
                label={entry.label}
                color={problems[entry.step] > 0 ? 'red' : undefined}
                description={problems[entry.step] > 0 ? 'Needs attention' : undefined}
                aria-label={`${entry.label}${problems[entry.step] > 0 ? ', needs attention' : ''}`}
              />
            ))}
          </Stepper>
          <Paper
            withBorder
            radius="md"
            p="lg"
            component="section"
            aria-label={editorSteps[activeIndex]!.label}
          >
            {content}
          </Paper>
          {formError && (
            <Alert color="red" variant="light" role="alert">
              {formError}
            </Alert>
          )}
          <Group justify="space-between" gap="sm">
            <Group gap="xs">
              <Button
                variant="default"
                disabled={activeIndex === 0}
                onClick={() => setStep(editorSteps[activeIndex - 1]!.step)}
              >
                Back
              </Button>
              <Button
                variant="default"
                disabled={activeIndex === editorSteps.length - 1}
                onClick={() => setStep(editorSteps[activeIndex + 1]!.step)}
              >
                Next
              </Button>
            </Group>
            <Group gap="xs">
              <Button
                variant="default"
                leftSection={<IconDeviceFloppy size={16} aria-hidden />}
                onClick={() => void onSave()}
                loading={saving && !launchOpened}
              >
                Save draft
              </Button>
              {(!campaign || campaign.state === 'draft') && (
                <Button
                  color="green"
                  leftSection={<IconRocket size={16} aria-hidden />}
                  onClick={() => void onLaunch()}
                  disabled={saving}
                >
                  Launch…
                </Button>
              )}
            </Group>
          </Group>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <div style={{ position: 'sticky', top: 76 }}>
          <EditorSummary
            values={values}
            template={template}
            numbers={numbers}
            estimate={estimate}
            problems={problems}
            onOpenStep={setStep}
          />
        </div>
      </Grid.Col>
      <LaunchModal
        opened={launchOpened}
        name={values.name.trim() || 'this campaign'}
        contacts={estimate.data?.contacts ?? null}
        senders={senders}
        speed={values.speed}
        schedule={describeSchedule(inputFromValues(values, template).schedule ?? { mode: 'now' })}
        pending={launch.isPending}
        error={launchError}
        onConfirm={confirmLaunch}
        onClose={() => setLaunchOpened(false)}
      />
    </Grid>
  );
}

/**
 * A campaign in the making, `/campaigns/new` or `/campaigns/:id/edit`: its settings in steps
 * with a summary beside them, saved as a draft and launched after a confirmation.
 */
export function CampaignEditorPage({ me, campaignId }: { me: Me; campaignId: number | null }) {
  const location = useLocation();
  const passed = readLocationState(location.state);
  const editable = canEditCampaigns(me.role);
  const campaign = useQuery({
    ...campaignQueryOptions(campaignId ?? 0),
    enabled: campaignId !== null,
  });
  const templates = useTemplates();
  const numbers = usePhoneNumbers();
  const fields = useContactFields();
  const tags = useTags();
  const title = campaignId === null ? 'New campaign' : 'Edit campaign';

  const header = (
    <Stack gap={4}>
      <Anchor
        component={Link}
        to={campaignId === null ? '/campaigns' : `/campaigns/${campaignId}`}
        size="sm"
      >
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          {campaignId === null ? 'Campaigns' : 'Back to the campaign'}
        </Group>
      </Anchor>
      <Title order={1} size="h2">
        {title}
      </Title>
    </Stack>
  );

  if (!editable) {
    return (
      <Stack gap="md">
        {header}
        <RestrictedNotice>Editors, admins and owners create and change campaigns.</RestrictedNotice>
      </Stack>
    );
  }

  const loading =
    (campaignId !== null && campaign.isPending) ||
    templates.isPending ||
    numbers.isPending ||
    fields.isPending;
  const failure =
    (campaignId !== null ? campaign.error : null) ??
    templates.error ??
    numbers.error ??
    fields.error;

  let body;
  if (failure) {
    body = (
      <ErrorState
        title="Couldn't open the editor"
        error={failure}
        onRetry={() => {
          if (campaignId !== null) void campaign.refetch();
          void templates.refetch();
          void numbers.refetch();
          void fields.refetch();
        }}
      />
    );
  } else if (loading) {
    body = <Skeleton height={320} />;
  } else if (campaignId !== null && campaign.data && !canEdit(campaign.data.state)) {
    body = (
      <Alert color="blue" variant="light" role="note">
        {campaign.data.name} is {campaign.data.state}: its settings can no longer change. Pause,
        stop, change its speed or audience from{' '}
        <Anchor component={Link} to={`/campaigns/${campaignId}`}>
          its page
        </Anchor>
        , or duplicate it to start over.
      </Alert>
    );
  } else {
    body = (
      <EditorForm
        key={campaignId ?? 'new'}
        campaign={campaignId !== null ? (campaign.data ?? null) : null}
        templates={templates.data ?? []}
        numbers={numbers.data ?? []}
        fields={fields.data ?? []}
        tagNames={(tags.data ?? []).map((tag) => tag.name)}
        initialStep={passed.step ?? 'name'}
        launchOnOpen={passed.launch ?? false}
      />
    );
  }

  return (
    <Stack gap="md">
      {header}
      {body}
    </Stack>
  );
}
