import type { JobState } from '../api/get-jobs';

const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** "0.4 ms", "12 ms", "1.5 s", "2 min 5 s": a duration measured in milliseconds. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0 ms';
  if (ms < 10) return `${oneDecimal.format(ms)} ms`;
  if (ms < 1000) return `${whole.format(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${oneDecimal.format(seconds)} s`;
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  return total % 60 === 0 ? `${minutes} min` : `${minutes} min ${total % 60} s`;
}

/** "1.5/s", "0/s", "1,200/s". */
export function formatRate(perSecond: number): string {
  const value = Number.isFinite(perSecond) ? Math.max(0, perSecond) : 0;
  return `${(value < 10 ? oneDecimal : whole).format(value)}/s`;
}

export interface StateStyle {
  label: string;
  color: string;
}

const stateStyles: Record<JobState, StateStyle> = {
  pending: { label: 'Pending', color: 'blue' },
  running: { label: 'Running', color: 'teal' },
  succeeded: { label: 'Succeeded', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

export function jobStateStyle(state: string): StateStyle {
  return stateStyles[state as JobState] ?? { label: state, color: 'gray' };
}

/** The payload as indented JSON, for reading. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, null, 2);
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "14:03:27" for today, "Nov 24, 2026, 2:03 PM" for other days. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  return at.toDateString() === now.toDateString() ? timeOfDay.format(at) : dayAndTime.format(at);
}

const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "Nov 25, 2026, 6:07:44 PM": a job's moments, to the second. */
export function formatMoment(iso: string): string {
  return moment.format(new Date(iso));
}
