import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import { WorkspaceSettings } from './workspace-settings';

function stubWorkspace(extra: Parameters<typeof stubFetch>[0] = {}) {
  let settings = { default_region: '', opt_out_keywords: ['STOP'], opt_in_keywords: ['START'] };
  return stubFetch({
    'GET /api/v1/workspace': () =>
      jsonResponse({ ...makeMe().workspace, stats: { users: 1, api_tokens: 0 }, settings }),
    'PATCH /api/v1/workspace': (request: RecordedRequest) => {
      settings = { ...settings, ...(request.body as typeof settings) };
      return jsonResponse({ ...makeMe().workspace, settings });
    },
    ...extra,
  });
}

describe('WorkspaceSettings, contacts and consent', { timeout: 30_000 }, () => {
  it('saves the default region and the keyword lists', async () => {
    const { requests } = stubWorkspace();
    const { user } = renderWithProviders(<WorkspaceSettings me={makeMe('admin')} />);

    expect(await screen.findByRole('form', { name: 'Contact settings' })).toBeInTheDocument();
    const save = screen.getByRole('button', { name: 'Save contact settings' });
    expect(save).toBeDisabled();

    await user.click(screen.getByRole('textbox', { name: 'Default phone region' }));
    await user.click(await screen.findByRole('option', { name: /Malaysia/, hidden: true }));
    await user.type(screen.getByRole('textbox', { name: 'Opt-out keywords' }), 'berhenti{Enter}');
    await user.type(screen.getByRole('textbox', { name: 'Opt-in keywords' }), 'mulai{Enter}');
    await user.click(save);

    await waitFor(() =>
      expect(requests.find((request) => request.method === 'PATCH')?.body).toEqual({
        default_region: 'MY',
        opt_out_keywords: ['STOP', 'berhenti'],
        opt_in_keywords: ['START', 'mulai'],
      }),
    );
    expect(await screen.findByText('Contact settings saved.')).toBeInTheDocument();
    // The saved settings are read back, and nothing is left to save.
    await waitFor(() => expect(save).toBeDisabled());
  });

  it('refuses a keyword that would both opt in and opt out, and shows server reasons', async () => {
    const { requests } = stubWorkspace({
      'PATCH /api/v1/workspace': () =>
        errorResponse(400, 'validation_failed', 'The request has invalid fields.', {
          opt_out_keywords: 'has more than 20 keywords',
        }),
    });
    const { user } = renderWithProviders(<WorkspaceSettings me={makeMe('owner')} />);

    const optIn = await screen.findByRole('textbox', { name: 'Opt-in keywords' });
    await user.type(optIn, 'stop{Enter}');
    await user.click(screen.getByRole('button', { name: 'Save contact settings' }));
    expect(optIn).toHaveAccessibleDescription(/“stop” cannot both opt in and opt out/);
    expect(requests.filter((request) => request.method === 'PATCH')).toHaveLength(0);

    await user.type(optIn, '{Backspace}');
    await user.type(screen.getByRole('textbox', { name: 'Opt-out keywords' }), 'quit{Enter}');
    await user.click(screen.getByRole('button', { name: 'Save contact settings' }));
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'Opt-out keywords' })).toHaveAccessibleDescription(
        /^Has more than 20 keywords/,
      ),
    );
  });

  it('shows the settings read-only to an editor', async () => {
    stubWorkspace({
      'GET /api/v1/workspace': () =>
        jsonResponse({
          ...makeMe().workspace,
          settings: { default_region: 'ID', opt_out_keywords: ['STOP'], opt_in_keywords: [] },
        }),
    });
    renderWithProviders(<WorkspaceSettings me={makeMe('editor')} />);
    expect(await screen.findByText('🇮🇩 Indonesia')).toBeInTheDocument();
    expect(screen.getByText('STOP')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save contact settings' })).toBeNull();
  });
});
