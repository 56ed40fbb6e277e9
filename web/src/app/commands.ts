import { CommandRegistry } from '@/lib/commands/registry';
import { focusPageSearch } from '@/lib/page-search';

/** What a command may do: the shell provides these while it is mounted. */
export interface AppCommandContext {
  navigate: (to: string) => void;
  openShortcutHelp: () => void;
}

// The app's commands, each registered exactly once. Add a page, add its command here, and the
// shortcut works and shows up in the help.
export const appCommands = new CommandRegistry<AppCommandContext>();

export const goToDashboard = appCommands.register({
  id: 'navigate.dashboard',
  label: 'Go to dashboard',
  shortcut: ['g', 'd'],
  group: 'Navigation',
  run: ({ navigate }) => navigate('/'),
});

export const goToContacts = appCommands.register({
  id: 'navigate.contacts',
  label: 'Go to contacts',
  shortcut: ['g', 'c'],
  group: 'Navigation',
  run: ({ navigate }) => navigate('/contacts'),
});

export const goToCampaigns = appCommands.register({
  id: 'navigate.campaigns',
  label: 'Go to campaigns',
  shortcut: ['g', 'm'],
  group: 'Navigation',
  run: ({ navigate }) => navigate('/campaigns'),
});

export const focusSearch = appCommands.register({
  id: 'page.search',
  label: 'Search this page (contacts)',
  shortcut: ['/'],
  group: 'Page',
  run: () => {
    focusPageSearch();
  },
});

export const goToSettings = appCommands.register({
  id: 'navigate.settings',
  label: 'Go to settings',
  shortcut: ['g', 's'],
  group: 'Navigation',
  run: ({ navigate }) => navigate('/settings'),
});

export const goToTemplates = appCommands.register({
  id: 'navigate.templates',
  label: 'Go to templates',
  shortcut: ['g', 't'],
  group: 'Navigation',
  run: ({ navigate }) => navigate('/templates'),
});

export const goToOperations = appCommands.register({
  id: 'navigate.operations',
  label: 'Go to operations (queues and jobs)',
  shortcut: ['g', 'o'],
  group: 'Navigation',
  run: ({ navigate }) => navigate('/operations'),
});

export const showShortcutHelp = appCommands.register({
  id: 'help.shortcuts',
  label: 'Show keyboard shortcuts',
  shortcut: ['?'],
  group: 'Help',
  run: ({ openShortcutHelp }) => openShortcutHelp(),
});
