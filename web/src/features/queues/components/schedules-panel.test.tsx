import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { renderWithProviders } from '@/testing/render';
import type { Schedule } from '../api/get-schedules';
import { makeSchedule } from '../test-fixtures';
import { SchedulesPanel } from './schedules-panel';

function renderSchedules(routes: Parameters<typeof stubFetch>[0] = {}) {
  const state = {
    schedules: [
      makeSchedule(),
      makeSchedule({
        name: 'optimize-database',
        cron: '45 3 * * *',
        description: 'at 03:45',
        kind: 'maintenance.optimize',
        last_run_at: '2026-11-25T03:45:00Z',
        last_job_id: 41,
      }),
    ] as Schedule[],
  };
  const { requests } = stubFetch({
    'GET /api/v1/schedules': () => jsonResponse({ data: state.schedules }),
    ...routes,
  });
  const view = renderWithProviders(<SchedulesPanel />, { route: '/operations?tab=schedules' });
  return { ...view, requests, state };
}

function row(name: string) {
  const table = screen.getByRole('table', { name: 'Schedules' });
  return within(table).getByRole('row', { name: new RegExp(name) });
}

describe('SchedulesPanel', () => {
  it('shows each schedule with its timing, next and last run, and a link to the last job', async () => {
    renderSchedules();
    await screen.findByRole('table', { name: 'Schedules' });
    expect(row('prune-old-records')).toHaveTextContent(
      /prune-old-records.*maintenance\.prune · maintenance.*at 03:15.*15 3 \* \* \* · UTC.*not yet/,
    );
    expect(row('prune-old-records')).toHaveTextContent(
      /in \d+ (hours|minutes)|tomorrow|in \d+ days/,
    );
    expect(within(row('optimize-database')).getByRole('link', { name: 'Job #41' })).toHaveAttribute(
      'href',
      '/operations?tab=jobs&job=41',
    );
    expect(
      within(row('prune-old-records')).getByRole('switch', { name: 'Enable prune-old-records' }),
    ).toBeChecked();
  });

  it('turns a schedule off and says so', async () => {
    const { requests, user } = renderSchedules({
      'PATCH /api/v1/schedules/prune-old-records': (request) =>
        jsonResponse(makeSchedule({ ...(request.body as object), next_run_at: null })),
    });
    await screen.findByRole('table', { name: 'Schedules' });
    const toggle = within(row('prune-old-records')).getByRole('switch', {
      name: 'Enable prune-old-records',
    });
    await user.click(toggle);

    expect(
      await screen.findByText('prune-old-records is off; it runs only when you run it now.'),
    ).toBeInTheDocument();
    expect(toggle).not.toBeChecked();
    expect(row('prune-old-records')).toHaveTextContent(/off/);
    const patch = requests.find((request) => request.method === 'PATCH');
    expect(patch?.body).toEqual({ enabled: false });
  });

  it('runs a schedule now and links to its job', async () => {
    const { requests, user, state, router } = renderSchedules({
      'POST /api/v1/schedules/prune-old-records/run': () => {
        state.schedules = [
          makeSchedule({ last_run_at: new Date().toISOString(), last_job_id: 77 }),
          ...state.schedules.slice(1),
        ];
        return jsonResponse({ job_id: 77 }, { status: 202 });
      },
    });
    await screen.findByRole('table', { name: 'Schedules' });
    await user.click(screen.getByRole('button', { name: 'Run prune-old-records now' }));

    expect(await screen.findByText('prune-old-records is queued')).toBeInTheDocument();
    expect(
      await within(row('prune-old-records')).findByRole('link', { name: 'Job #77' }),
    ).toHaveAttribute('href', '/operations?tab=jobs&job=77');
    await user.click(screen.getByRole('button', { name: 'job #77' }));
    await waitFor(() => expect(router.state.location.search).toBe('?tab=jobs&job=77'));
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it("edits the cron and time zone, with the server's reasons at the fields", async () => {
    let attempt = 0;
    const { requests, user } = renderSchedules({
      'PATCH /api/v1/schedules/prune-old-records': (request) => {
        attempt += 1;
        if (attempt === 1) {
          return errorResponse(400, 'validation_failed', 'The schedule is not valid.', {
            cron: 'hour: 24 is out of range 0-23',
            timezone: 'is not an IANA time zone',
          });
        }
        const body = request.body as { cron: string; timezone: string };
        return jsonResponse(makeSchedule({ ...body, description: 'at 09:00 on Monday to Friday' }));
      },
    });
    await screen.findByRole('table', { name: 'Schedules' });
    await user.click(screen.getByRole('button', { name: 'Edit prune-old-records' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit prune-old-records' });
    const cron = within(dialog).getByLabelText('Cron expression');
    const zone = within(dialog).getByRole('textbox', { name: 'Time zone' });
    expect(cron).toHaveValue('15 3 * * *');
    expect(zone).toHaveValue('UTC');

    await user.clear(cron);
    await user.type(cron, '0 24 * * 1-5');
    await user.clear(zone);
    await user.type(zone, 'Mars/Olympus');
    await user.click(within(dialog).getByRole('button', { name: 'Save schedule' }));

    expect(await within(dialog).findByText('Hour: 24 is out of range 0-23')).toBeInTheDocument();
    expect(within(dialog).getByText('Is not an IANA time zone')).toBeInTheDocument();
    expect(cron).toHaveAttribute('aria-invalid', 'true');

    await user.clear(cron);
    await user.type(cron, '0 9 * * 1-5');
    await user.clear(zone);
    await user.type(zone, 'Asia/Jakarta');
    await user.keyboard('{Escape}');
    await user.click(within(dialog).getByRole('button', { name: 'Save schedule' }));

    expect(
      await screen.findByText(
        'prune-old-records now runs at 09:00 on Monday to Friday (Asia/Jakarta).',
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(row('prune-old-records')).toHaveTextContent('0 9 * * 1-5 · Asia/Jakarta');
    expect(requests.filter((request) => request.method === 'PATCH').map((r) => r.body)).toEqual([
      { cron: '0 24 * * 1-5', timezone: 'Mars/Olympus' },
      { cron: '0 9 * * 1-5', timezone: 'Asia/Jakarta' },
    ]);
  });

  it('says when there are no schedules, and offers to retry a failed load', async () => {
    let fail = true;
    const { user } = renderSchedules({
      'GET /api/v1/schedules': () =>
        fail
          ? errorResponse(500, 'internal', 'The server ran into a problem.')
          : jsonResponse({ data: [] }),
    });
    expect(await screen.findByText("Couldn't load the schedules")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No schedules')).toBeInTheDocument();
  });
});
