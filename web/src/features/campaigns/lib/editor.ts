import dayjs from 'dayjs';
import type { CampaignInput } from '../api/create-campaign';
import {
  type Campaign,
  type CampaignMessage,
  type CampaignSchedule,
  campaignMessage,
  campaignSchedule,
  type GoalKind,
} from '../api/get-campaign';
import type { SenderOption } from '../api/get-phone-numbers';
import type { Template } from '../api/get-templates';
import {
  type AudienceDraft,
  audienceDraftFrom,
  audienceFromDraft,
  emptyAudienceDraft,
} from './audience';
import { buildParams, type ParamDraft, paramDraftFrom, templateSlots } from './message';

// The editor's values, one plain object: built from a stored campaign, turned back into the
// body of POST / PATCH, and the server's `validation_failed` details sorted into its steps.

export type EditorStep = 'name' | 'audience' | 'message' | 'senders' | 'schedule' | 'goal';

export const editorSteps: { step: EditorStep; label: string }[] = [
  { step: 'name', label: 'Name' },
  { step: 'audience', label: 'Audience' },
  { step: 'message', label: 'Message' },
  { step: 'senders', label: 'Senders and speed' },
  { step: 'schedule', label: 'Schedule' },
  { step: 'goal', label: 'Goal' },
];

export type ScheduleMode = CampaignSchedule['mode'];

export interface EditorValues {
  name: string;
  audience: AudienceDraft;
  messageKind: 'template' | 'text';
  templateId: number | null;
  /** By variable key; kept for variables of templates chosen earlier too. */
  params: Record<string, ParamDraft>;
  text: string;
  previewUrl: boolean;
  senders: number[];
  scheduleMode: ScheduleMode;
  /** `YYYY-MM-DDTHH:mm` in the browser's time zone, as a datetime-local input holds it. */
  at: string;
  localDate: string;
  localTime: string;
  quietHours: boolean;
  quietStart: string;
  quietEnd: string;
  speed: number;
  goalKind: 'none' | GoalKind;
  goalValue: string;
  goalWindowHours: number;
}

export const defaultSpeedMps = 20;
export const defaultGoalWindowHours = 72;
export const maxNameLength = 200;

export const emptyEditorValues: EditorValues = {
  name: '',
  audience: emptyAudienceDraft,
  messageKind: 'template',
  templateId: null,
  params: {},
  text: '',
  previewUrl: false,
  senders: [],
  scheduleMode: 'now',
  at: '',
  localDate: '',
  localTime: '09:00',
  quietHours: false,
  quietStart: '21:00',
  quietEnd: '08:00',
  speed: defaultSpeedMps,
  goalKind: 'none',
  goalValue: '',
  goalWindowHours: defaultGoalWindowHours,
};

export function valuesFromCampaign(campaign: Campaign, templates: Template[]): EditorValues {
  const message = campaignMessage(campaign);
  const schedule = campaignSchedule(campaign);
  const values: EditorValues = {
    ...emptyEditorValues,
    name: campaign.name,
    audience: audienceDraftFrom(campaign.audience),
    senders: campaign.senders,
    speed: campaign.speed_mps,
    scheduleMode: schedule.mode,
  };
  if (message?.kind === 'text') {
    values.messageKind = 'text';
    values.text = message.text;
    values.previewUrl = message.preview_url;
  } else if (message?.kind === 'template') {
    values.templateId = message.template_id;
    const template = templates.find((candidate) => candidate.id === message.template_id);
    if (template) {
      for (const slot of templateSlots(template)) {
        values.params[slot.key] = paramDraftFrom(message.params[slot.key], slot);
      }
    }
  }
  if (schedule.mode === 'at') values.at = dayjs(schedule.at).format('YYYY-MM-DDTHH:mm');
  if (schedule.mode === 'local') {
    values.localDate = schedule.date;
    values.localTime = schedule.time;
  }
  if (campaign.quiet_hours) {
    values.quietHours = true;
    values.quietStart = campaign.quiet_hours.start;
    values.quietEnd = campaign.quiet_hours.end;
  }
  if (campaign.goal) {
    values.goalKind = campaign.goal.kind;
    values.goalValue = campaign.goal.value ?? '';
    values.goalWindowHours = campaign.goal.window_hours;
  }
  return values;
}

/** The goal kinds that need a value, and what it is called. */
export const goalValueLabels: Partial<Record<GoalKind, string>> = {
  button: 'Button payload',
  keyword: 'Reply keyword',
};

export function messageFromValues(
  values: EditorValues,
  template: Template | undefined,
): CampaignMessage | undefined {
  if (values.messageKind === 'text') {
    return { kind: 'text', text: values.text, preview_url: values.previewUrl };
  }
  if (!template) return undefined;
  return {
    kind: 'template',
    template_id: template.id,
    language: template.language,
    params: buildParams(templateSlots(template), values.params),
  };
}

function scheduleFromValues(values: EditorValues): CampaignSchedule {
  switch (values.scheduleMode) {
    case 'now':
      return { mode: 'now' };
    case 'at': {
      const at = dayjs(values.at);
      // An unfinished date goes as typed, for the server to name it.
      return { mode: 'at', at: at.isValid() ? at.toISOString() : values.at };
    }
    case 'local':
      return { mode: 'local', date: values.localDate, time: values.localTime };
  }
}

/** The whole campaign as POST and PATCH take it. */
export function inputFromValues(
  values: EditorValues,
  template: Template | undefined,
): CampaignInput & { name: string } {
  const input: CampaignInput & { name: string } = {
    name: values.name.trim(),
    audience: audienceFromDraft(values.audience),
    senders: values.senders,
    schedule: scheduleFromValues(values),
    quiet_hours: values.quietHours ? { start: values.quietStart, end: values.quietEnd } : null,
    speed_mps: values.speed,
    goal:
      values.goalKind === 'none'
        ? null
        : {
            kind: values.goalKind,
            ...(goalValueLabels[values.goalKind] ? { value: values.goalValue.trim() } : {}),
            window_hours: values.goalWindowHours,
          },
  };
  const message = messageFromValues(values, template);
  if (message) input.message = message;
  return input;
}

/** The step a server detail key (`message.params.body.1`, `senders`) belongs to. */
export function stepOfField(key: string): EditorStep {
  const head = key.split('.')[0];
  switch (head) {
    case 'audience':
      return 'audience';
    case 'message':
      return 'message';
    case 'senders':
    case 'speed_mps':
      return 'senders';
    case 'schedule':
    case 'quiet_hours':
      return 'schedule';
    case 'goal':
      return 'goal';
    default:
      return 'name';
  }
}

/** Server details by step. */
export function errorsByStep(
  details: Record<string, string>,
): Record<EditorStep, Record<string, string>> {
  const grouped: Record<EditorStep, Record<string, string>> = {
    name: {},
    audience: {},
    message: {},
    senders: {},
    schedule: {},
    goal: {},
  };
  for (const [key, reason] of Object.entries(details)) grouped[stepOfField(key)][key] = reason;
  return grouped;
}

/** What the browser can tell before asking the server: only what saving a draft needs. */
export function draftProblems(values: EditorValues): Record<string, string> {
  const problems: Record<string, string> = {};
  const name = values.name.trim();
  if (name === '') problems.name = 'Give the campaign a name';
  else if (name.length > maxNameLength) problems.name = `Use at most ${maxNameLength} characters`;
  return problems;
}

/** How long sending `contacts` messages takes at `speed` per second. */
export function estimatedSeconds(contacts: number, speed: number): number | null {
  return speed > 0 ? Math.ceil(contacts / speed) : null;
}

/** The senders' summed throughput, the most the campaign may send per second. */
export function sendersThroughput(numbers: SenderOption[], chosen: number[]): number {
  return numbers
    .filter((number) => chosen.includes(number.id))
    .reduce((sum, number) => sum + number.throughput_mps, 0);
}
