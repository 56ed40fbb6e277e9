import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { renderWithProviders } from '@/testing/render';
import type { JobDetail } from '../api/get-job';
import type { Job } from '../api/get-jobs';
import { makeAttempt, makeJob, makeJobDetail, makeOverview } from '../test-fixtures';
import { JobsPanel } from './jobs-panel';

function listRequests(requests: RecordedRequest[]) {
  return requests.filter((request) => request.method === 'GET' && request.path === '/api/v1/jobs');
}

function renderJobs(
  route: string,
  list: (request: RecordedRequest) => { data: Job[]; next_cursor: string | null },
  routes: Parameters<typeof stubFetch>[0] = {},
) {
  const { requests } = stubFetch({
    'GET /api/v1/queues': () => jsonResponse(makeOverview()),
    'GET /api/v1/jobs': (request) => jsonResponse(list(request)),
    ...routes,
  });
  const view = renderWithProviders(<JobsPanel />, { route });
  return { ...view, requests };
}

const failedJob = makeJobDetail({
  id: 9,
  state: 'failed',
  attempts: 2,
  max_attempts: 2,
  last_error: 'contacts.import: the file is gone',
  run_at: '2026-11-25T04:00:05Z',
  started_at: '2026-11-25T04:00:05Z',
  finished_at: '2026-11-25T04:00:06Z',
  history: [
    makeAttempt({ attempt: 1 }),
    makeAttempt({
      attempt: 2,
      outcome: 'failed',
      worker: 'host:/var/lib/kirim/Zq9',
      error: 'contacts.import: the file is gone',
      trace: 'open /var/lib/kirim/imports/3.csv: no such file',
      started_at: '2026-11-25T04:00:05Z',
      finished_at: '2026-11-25T04:00:06Z',
    }),
  ],
});

describe('JobsPanel', () => {
  it('lists jobs with kind, queue, state, attempts, tags and error', async () => {
    renderJobs('/operations?tab=jobs', () => ({
      data: [failedJob, makeJob({ id: 8, state: 'running', finished_at: null })],
      next_cursor: null,
    }));
    const table = await screen.findByRole('table', { name: 'Jobs' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent(
      /#9.*contacts\.import.*imports.*Failed.*2\/2.*contacts\.import:3.*the file is gone/,
    );
    expect(rows[1]).toHaveTextContent(/#8.*Running.*1\/20/);
  });

  it('sends the state, queue, kind, tag and search filters', async () => {
    const { requests, user, router } = renderJobs('/operations?tab=jobs', () => ({
      data: [],
      next_cursor: null,
    }));
    expect(await screen.findByText('No jobs yet')).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Failed' }));
    expect(await screen.findByText('No failed jobs')).toBeInTheDocument();
    expect(screen.getByText(/Everything that ran succeeded/)).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Queue'), 'imports');
    // The kinds offered are the queue's.
    const kinds = within(screen.getByLabelText('Kind'))
      .getAllByRole('option')
      .map((option) => option.textContent);
    expect(kinds).toEqual(['All kinds', 'contacts.export', 'contacts.import']);
    await user.selectOptions(screen.getByLabelText('Kind'), 'contacts.import');
    await user.type(screen.getByLabelText('Tag'), 'contacts.import:3');
    await user.type(screen.getByLabelText('Search payloads and errors'), 'gone');

    await waitFor(() =>
      expect(Object.fromEntries(listRequests(requests).at(-1)!.query)).toEqual({
        state: 'failed',
        queue: 'imports',
        kind: 'contacts.import',
        tag: 'contacts.import:3',
        q: 'gone',
        limit: '50',
      }),
    );
    expect(await screen.findByText('No jobs match')).toBeInTheDocument();
    expect(router.state.location.search).toBe(
      '?tab=jobs&state=failed&queue=imports&kind=contacts.import&tag=contacts.import%3A3&q=gone',
    );

    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    await waitFor(() =>
      expect(Object.fromEntries(listRequests(requests).at(-1)!.query)).toEqual({
        state: 'failed',
        limit: '50',
      }),
    );
    expect(screen.getByLabelText('Tag')).toHaveValue('');
  });

  it('loads older jobs with the cursor of the last page', async () => {
    const { requests, user } = renderJobs('/operations?tab=jobs', (request) =>
      request.query.get('cursor') === 'c2'
        ? { data: [makeJob({ id: 1, kind: 'maintenance.prune' })], next_cursor: null }
        : { data: [makeJob({ id: 2 })], next_cursor: 'c2' },
    );
    await user.click(await screen.findByRole('button', { name: 'Load more jobs' }));
    const table = screen.getByRole('table', { name: 'Jobs' });
    expect(await within(table).findByText('maintenance.prune')).toBeInTheDocument();
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(listRequests(requests).map((request) => request.query.get('cursor'))).toEqual([
      null,
      'c2',
    ]);
    expect(screen.queryByRole('button', { name: 'Load more jobs' })).toBeNull();
  });

  it("opens a job's payload, attempts and timeline, and retries it", async () => {
    let current: JobDetail = failedJob;
    const { requests, user, router } = renderJobs(
      '/operations?tab=jobs',
      () => ({ data: [current], next_cursor: null }),
      {
        'GET /api/v1/jobs/9': () => jsonResponse(current),
        'POST /api/v1/jobs/9/retry': () => {
          current = makeJobDetail({
            id: 9,
            state: 'pending',
            attempts: 0,
            max_attempts: 2,
            started_at: null,
            finished_at: null,
          });
          return jsonResponse(current);
        },
      },
    );
    const table = await screen.findByRole('table', { name: 'Jobs' });
    await user.click(within(table).getByRole('button', { name: 'Open job #9' }));
    expect(router.state.location.search).toBe('?tab=jobs&job=9');

    const drawer = await screen.findByRole('dialog', { name: 'Job #9' });
    const details = await within(drawer).findByRole('table', { name: 'Job details' });
    expect(details).toHaveTextContent(/State\s*Failed/);
    expect(details).toHaveTextContent(/Attempts\s*2 of 2/);
    expect(within(drawer).getByLabelText('Payload as JSON').textContent).toBe('{\n  "id": 3\n}');
    expect(within(drawer).getByText('Last error')).toBeInTheDocument();

    const timeline = within(drawer).getByRole('region', { name: 'Timeline' });
    const titles = within(timeline)
      .getAllByText(/^(Created|Attempt|Was due|Failed)/)
      .map((element) => element.textContent);
    expect(titles).toEqual([
      'Created',
      'Attempt 1 failed; retried later',
      'Was due to run',
      'Attempt 2 failed',
      'Failed for good',
    ]);
    expect(timeline).toHaveTextContent('worker host:/var/lib/kirim/Zq9');
    const traces = within(timeline).getAllByRole('button', { name: 'Show trace' });
    await user.click(traces[1]!);
    expect(within(timeline).getByText(/no such file/)).toBeVisible();

    // Failed: retry and delete, no cancel.
    expect(within(drawer).queryByRole('button', { name: 'Cancel job' })).toBeNull();
    await user.click(within(drawer).getByRole('button', { name: 'Retry' }));
    const confirm = await screen.findByRole('dialog', { name: 'Retry job #9?' });
    expect(confirm).toHaveTextContent('with up to 2 attempts');
    await user.click(within(confirm).getByRole('button', { name: 'Retry job' }));

    expect(await within(drawer).findByRole('status')).toHaveTextContent('Job #9 is pending again.');
    await waitFor(() => expect(details).toHaveTextContent(/State\s*Pending/));
    expect(within(drawer).getByRole('button', { name: 'Cancel job' })).toBeInTheDocument();
    await waitFor(() => expect(within(table).getByText('Pending')).toBeInTheDocument());
    expect(
      requests.filter((request) => request.method === 'POST').map((request) => request.path),
    ).toEqual(['/api/v1/jobs/9/retry']);
  });

  it('cancels a pending job and shows why when the server refuses', async () => {
    const pending = makeJobDetail({ id: 5, state: 'pending', attempts: 0, finished_at: null });
    const { user } = renderJobs(
      '/operations?tab=jobs&job=5',
      () => ({ data: [pending], next_cursor: null }),
      {
        'GET /api/v1/jobs/5': () => jsonResponse(pending),
        'POST /api/v1/jobs/5/cancel': () =>
          errorResponse(409, 'conflict', 'The job is not pending.'),
      },
    );
    const drawer = await screen.findByRole('dialog', { name: 'Job #5' });
    await user.click(await within(drawer).findByRole('button', { name: 'Cancel job' }));
    const confirm = await screen.findByRole('dialog', { name: 'Cancel job #5?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel job' }));
    expect(await within(confirm).findByRole('alert')).toHaveTextContent(
      'The job is not pending. The job moved on meanwhile; its state above is current.',
    );
    await user.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Cancel job #5?' })).toBeNull(),
    );
  });

  it('deletes a job after a confirmation and closes its drawer', async () => {
    let jobs: Job[] = [makeJob({ id: 4 })];
    const { user, router, requests } = renderJobs(
      '/operations?tab=jobs&job=4',
      () => ({ data: jobs, next_cursor: null }),
      {
        'GET /api/v1/jobs/4': () => jsonResponse(makeJobDetail({ id: 4 })),
        'DELETE /api/v1/jobs/4': () => {
          jobs = [];
          return jsonResponse(null, { status: 204 });
        },
      },
    );
    const drawer = await screen.findByRole('dialog', { name: 'Job #4' });
    await user.click(await within(drawer).findByRole('button', { name: 'Delete' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete job #4?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete job' }));

    expect(await screen.findByText('Job #4 is deleted.')).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.search).toBe('?tab=jobs'));
    expect(await screen.findByText('No jobs yet')).toBeInTheDocument();
    expect(requests.some((request) => request.method === 'DELETE')).toBe(true);
  });

  it('offers no action but waiting on a running job', async () => {
    const running = makeJobDetail({ id: 3, state: 'running', worker: 'w1', finished_at: null });
    renderJobs('/operations?tab=jobs&job=3', () => ({ data: [running], next_cursor: null }), {
      'GET /api/v1/jobs/3': () => jsonResponse(running),
    });
    const drawer = await screen.findByRole('dialog', { name: 'Job #3' });
    expect(await within(drawer).findByText(/once it has finished/)).toBeInTheDocument();
    expect(within(drawer).queryByRole('button', { name: /Retry|Cancel job|Delete/ })).toBeNull();
  });

  it.each([
    [
      'retry',
      'Retry all matching',
      /^Retry 12 jobs$/,
      '/api/v1/jobs/failed/retry',
      '12 failed jobs queued again.',
    ],
    [
      'delete',
      'Delete all matching',
      /^Delete 12 jobs$/,
      '/api/v1/jobs/failed/delete',
      '12 failed jobs deleted.',
    ],
  ])(
    'bulk %s sends the filters and shows the count first',
    async (_action, open, confirmName, path, done) => {
      const failed = Array.from({ length: 12 }, (_, index) =>
        makeJob({ id: 100 + index, state: 'failed', last_error: 'boom' }),
      );
      const { user, requests } = renderJobs(
        '/operations?tab=jobs&state=failed&queue=imports&kind=contacts.import&q=boom',
        (request) =>
          request.query.get('limit') === '200'
            ? request.query.get('cursor') === 'more'
              ? { data: failed.slice(5), next_cursor: null }
              : { data: failed.slice(0, 5), next_cursor: 'more' }
            : { data: failed.slice(0, 3), next_cursor: 'p2' },
        { [`POST ${path}`]: () => jsonResponse({ affected: 12 }) },
      );
      await screen.findByRole('table', { name: 'Jobs' });
      await user.click(screen.getByRole('button', { name: open }));
      const dialog = await screen.findByRole('dialog');
      expect(
        await within(dialog).findByText(
          /^12 failed jobs match \(queue imports, kind contacts\.import, matching “boom”\)\./,
        ),
      ).toBeInTheDocument();
      // Counted with every filter, failed only.
      const counting = listRequests(requests).filter(
        (request) => request.query.get('limit') === '200',
      );
      expect(counting.map((request) => Object.fromEntries(request.query))).toEqual([
        { state: 'failed', queue: 'imports', kind: 'contacts.import', q: 'boom', limit: '200' },
        {
          state: 'failed',
          queue: 'imports',
          kind: 'contacts.import',
          q: 'boom',
          cursor: 'more',
          limit: '200',
        },
      ]);

      await user.click(within(dialog).getByRole('button', { name: confirmName }));
      expect(await screen.findByText(done)).toBeInTheDocument();
      const bulk = requests.filter((request) => request.method === 'POST');
      expect(bulk).toHaveLength(1);
      expect(bulk[0]!.path).toBe(path);
      expect(bulk[0]!.body).toEqual({ queue: 'imports', kind: 'contacts.import', q: 'boom' });
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    },
  );
});
