import { describe, expect, it } from 'vitest';
import { makeSamples } from '../test-fixtures';
import { describeThroughput, describeWait } from './charts';
import { formatMs, formatRate, jobStateStyle, prettyJson } from './format';
import { jobFiltersFrom, jobParam } from './job-filters';

describe('formats', () => {
  it('writes durations from milliseconds', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1500)).toBe('1.5 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
  });

  it('writes rates per second', () => {
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(1.54)).toBe('1.5/s');
    expect(formatRate(1200)).toBe('1,200/s');
  });

  it('names job states and pretty-prints payloads', () => {
    expect(jobStateStyle('failed')).toEqual({ label: 'Failed', color: 'red' });
    expect(jobStateStyle('odd').label).toBe('odd');
    expect(prettyJson({ id: 3 })).toBe('{\n  "id": 3\n}');
  });
});

describe('chart descriptions', () => {
  it('say what the chart covers, the latest values and the peak', () => {
    const samples = makeSamples(120, '2026-11-25T05:00:00Z');
    samples[50] = { ...samples[50]!, succeeded: 7, wait_p95_ms: 40 };
    expect(describeThroughput('imports', samples)).toBe(
      'Throughput of imports over the last 2 minutes: now 1/s succeeded and 0/s failed; peak 7/s succeeded',
    );
    expect(describeWait('imports', samples)).toBe(
      'Wait p95 of imports over the last 2 minutes: now 2 ms; peak 40 ms',
    );
    expect(describeWait('imports', [])).toBe('Wait p95 of imports: no samples yet');
  });
});

describe('job filters in the URL', () => {
  it('reads known states and the other filters, and ignores the rest', () => {
    expect(
      jobFiltersFrom(new URLSearchParams('state=failed&queue=imports&kind=k&tag=t&q=x&tab=jobs')),
    ).toEqual({ state: 'failed', queue: 'imports', kind: 'k', tag: 't', q: 'x' });
    expect(jobFiltersFrom(new URLSearchParams('state=weird&queue='))).toEqual({});
    expect(jobParam('12')).toBe(12);
    expect(jobParam('0')).toBeNull();
    expect(jobParam('x')).toBeNull();
  });
});
