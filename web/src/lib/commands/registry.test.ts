import { describe, expect, it, vi } from 'vitest';
import { CommandRegistry, ShortcutMatcher } from './registry';

function registryWith() {
  const registry = new CommandRegistry<string[]>();
  const dashboard = registry.register({
    id: 'navigate.dashboard',
    label: 'Go to dashboard',
    shortcut: ['g', 'd'],
    group: 'Navigation',
    run: (log) => log.push('dashboard'),
  });
  const settings = registry.register({
    id: 'navigate.settings',
    label: 'Go to settings',
    shortcut: ['g', 's'],
    group: 'Navigation',
    run: (log) => log.push('settings'),
  });
  const help = registry.register({
    id: 'help.shortcuts',
    label: 'Show keyboard shortcuts',
    shortcut: ['?'],
    group: 'Help',
    run: (log) => log.push('help'),
  });
  return { registry, dashboard, settings, help };
}

describe('CommandRegistry', () => {
  it('lists commands in registration order with their labels and shortcuts', () => {
    const { registry } = registryWith();
    expect(registry.list().map((command) => [command.label, command.shortcut.join(' ')])).toEqual([
      ['Go to dashboard', 'g d'],
      ['Go to settings', 'g s'],
      ['Show keyboard shortcuts', '?'],
    ]);
  });

  it('refuses a command registered twice', () => {
    const { registry, dashboard } = registryWith();
    expect(() => registry.register(dashboard)).toThrow(/registered twice/);
  });

  it('refuses a shortcut that clashes with another, including a prefix of it', () => {
    const { registry } = registryWith();
    const base = { label: 'x', group: 'x', run: vi.fn() };
    expect(() => registry.register({ ...base, id: 'a', shortcut: ['g', 'd'] })).toThrow(/clashes/);
    expect(() => registry.register({ ...base, id: 'b', shortcut: ['g'] })).toThrow(/clashes/);
    expect(() => registry.register({ ...base, id: 'c', shortcut: ['?', 'x'] })).toThrow(/clashes/);
  });
});

describe('ShortcutMatcher', () => {
  it('completes a two-key sequence', () => {
    const { registry, dashboard, settings } = registryWith();
    const matcher = new ShortcutMatcher(registry, 1000);
    expect(matcher.feed('g', 0)).toBeNull();
    expect(matcher.feed('d', 100)).toBe(dashboard);
    expect(matcher.feed('g', 200)).toBeNull();
    expect(matcher.feed('s', 300)).toBe(settings);
  });

  it('matches a single-key shortcut at once', () => {
    const { registry, help } = registryWith();
    expect(new ShortcutMatcher(registry).feed('?', 0)).toBe(help);
  });

  it('forgets a started sequence after the timeout', () => {
    const { registry } = registryWith();
    const matcher = new ShortcutMatcher(registry, 1000);
    matcher.feed('g', 0);
    expect(matcher.feed('d', 1001)).toBeNull();
  });

  it('starts over when a key breaks the sequence', () => {
    const { registry, dashboard, help } = registryWith();
    const matcher = new ShortcutMatcher(registry, 1000);
    matcher.feed('g', 0);
    expect(matcher.feed('x', 10)).toBeNull();
    expect(matcher.feed('d', 20)).toBeNull();
    matcher.feed('g', 30);
    expect(matcher.feed('?', 40)).toBe(help);
    matcher.feed('g', 50);
    expect(matcher.feed('d', 60)).toBe(dashboard);
  });
});
