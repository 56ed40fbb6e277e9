import { formatDateTime } from '@/lib/format';
import type {
  CampaignAudience,
  CampaignGoal,
  CampaignSchedule,
  QuietHours,
} from '../api/get-campaign';
import { audienceDraftFrom } from './audience';

// Campaign settings in words, for the editor's summary and the dashboard.

export function describeAudience(audience: CampaignAudience): string {
  const draft = audienceDraftFrom(audience);
  const parts: string[] = [];
  if (draft.contactIds.length > 0) parts.push(`${draft.contactIds.length} chosen contacts`);
  else if (draft.mode === 'everyone') parts.push('Everyone opted in');
  else {
    const filter = draft.filter;
    if (filter.tags.length > 0) parts.push(`tagged ${filter.tags.join(' + ')}`);
    if (filter.notTags.length > 0) parts.push(`not tagged ${filter.notTags.join(', ')}`);
    if (filter.consent) parts.push(`consent ${filter.consent.replace('_', ' ')}`);
    if (filter.fields.length > 0) {
      parts.push(
        filter.fields.length === 1
          ? '1 field condition'
          : `${filter.fields.length} field conditions`,
      );
    }
    const others = Object.keys(filter.other).length;
    if (others > 0) parts.push(others === 1 ? '1 more filter' : `${others} more filters`);
    parts[0] = `Contacts ${parts[0] ?? 'matching the filters'}`;
  }
  if (draft.excludeTags.length > 0) parts.push(`excluding ${draft.excludeTags.join(', ')}`);
  if (draft.frequencyCapDays > 0) {
    parts.push(
      `not messaged in ${draft.frequencyCapDays} day${draft.frequencyCapDays === 1 ? '' : 's'}`,
    );
  }
  if (draft.includeUnknownConsent) parts.push('unknown consent included');
  return parts.join(', ');
}

export function describeSchedule(schedule: CampaignSchedule): string {
  switch (schedule.mode) {
    case 'now':
      return 'As soon as it is launched';
    case 'at':
      return Number.isNaN(Date.parse(schedule.at))
        ? 'At a time not chosen yet'
        : `At ${formatDateTime(schedule.at)}`;
    case 'local':
      return `On ${schedule.date} at ${schedule.time}, each contact's local time`;
  }
}

export function describeQuietHours(quietHours: QuietHours | null): string {
  return quietHours ? `No sending from ${quietHours.start} to ${quietHours.end}` : 'None';
}

const goalNames: Record<CampaignGoal['kind'], string> = {
  button: 'Button pressed',
  keyword: 'Reply with a keyword',
  click: 'Link clicked',
  api: 'Reported through the API',
};

export function describeGoal(goal: CampaignGoal | null): string {
  if (!goal) return 'No goal';
  const value = goal.value ? ` “${goal.value}”` : '';
  return `${goalNames[goal.kind]}${value} within ${goal.window_hours} h`;
}
