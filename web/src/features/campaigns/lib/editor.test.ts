import { describe, expect, it } from 'vitest';
import { makeCampaign, makeTemplate } from '../test-fixtures';
import {
  draftProblems,
  emptyEditorValues,
  errorsByStep,
  inputFromValues,
  stepOfField,
  valuesFromCampaign,
} from './editor';

describe('the editor values', () => {
  it('turn a stored campaign into values and back into the same body', () => {
    const campaign = makeCampaign({
      quiet_hours: { start: '21:00', end: '08:00' },
      goal: { kind: 'keyword', value: 'YES', window_hours: 48 },
      message: {
        kind: 'template',
        template_id: 8,
        language: 'en_US',
        params: {
          'header.1': { field: 'name', fallback: 'friend' },
          'body.1': { field: 'name', fallback: 'there' },
          'body.2': { text: '20%' },
          'button.0': { click: true },
        },
      },
    });
    const template = makeTemplate();
    const values = valuesFromCampaign(campaign, [template]);
    expect(inputFromValues(values, template)).toEqual({
      name: 'November promo',
      audience: {
        filter: { tag: ['vip'] },
        exclude_tags: ['churned'],
        contact_ids: [],
        frequency_cap_days: 7,
        include_unknown_consent: false,
      },
      message: campaign.message,
      senders: [5, 6],
      schedule: { mode: 'now' },
      quiet_hours: { start: '21:00', end: '08:00' },
      speed_mps: 40,
      goal: { kind: 'keyword', value: 'YES', window_hours: 48 },
    });
  });

  it('sends a chosen time in UTC and a local schedule as typed', () => {
    const at = inputFromValues(
      { ...emptyEditorValues, name: 'x', scheduleMode: 'at', at: '2026-12-01T09:00' },
      undefined,
    );
    expect(at.schedule).toEqual({ mode: 'at', at: new Date('2026-12-01T09:00').toISOString() });
    const local = inputFromValues(
      {
        ...emptyEditorValues,
        name: 'x',
        scheduleMode: 'local',
        localDate: '2026-12-01',
        localTime: '09:30',
      },
      undefined,
    );
    expect(local.schedule).toEqual({ mode: 'local', date: '2026-12-01', time: '09:30' });
    expect(local.message).toBeUndefined();
  });

  it('leaves the value out of goals that have none', () => {
    expect(
      inputFromValues(
        { ...emptyEditorValues, name: 'x', goalKind: 'click', goalValue: 'stale' },
        undefined,
      ).goal,
    ).toEqual({ kind: 'click', window_hours: 72 });
  });

  it('needs only a name to save a draft', () => {
    expect(draftProblems(emptyEditorValues)).toEqual({ name: 'Give the campaign a name' });
    expect(draftProblems({ ...emptyEditorValues, name: 'ok' })).toEqual({});
  });
});

describe('server details', () => {
  it('land on the step of their field', () => {
    expect(stepOfField('message.params.body.1')).toBe('message');
    expect(stepOfField('audience.filter.field.age.gte')).toBe('audience');
    expect(stepOfField('speed_mps')).toBe('senders');
    expect(stepOfField('quiet_hours')).toBe('schedule');
    expect(stepOfField('goal.window_hours')).toBe('goal');
    expect(stepOfField('name')).toBe('name');
    expect(errorsByStep({ senders: 'choose one', 'schedule.at': 'bad' })).toMatchObject({
      senders: { senders: 'choose one' },
      schedule: { 'schedule.at': 'bad' },
      message: {},
    });
  });
});
