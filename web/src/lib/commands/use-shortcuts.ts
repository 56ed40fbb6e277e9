import { useEffect, useRef } from 'react';
import { type CommandRegistry, ShortcutMatcher } from './registry';

// Keys typed into a field are text, and keys pressed in a dialog belong to the dialog.
function isOwnedByFocusedControl(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return target.closest('[role="dialog"]') !== null;
}

/**
 * Runs the registry's commands from the keyboard while mounted. Keys held with Ctrl, Alt or Meta
 * are the browser's and the OS's own shortcuts and are left alone.
 */
export function useShortcuts<Context>(registry: CommandRegistry<Context>, context: Context): void {
  // The listener is attached once; the ref hands it the newest context (navigate, open modal).
  const contextRef = useRef(context);
  useEffect(() => {
    contextRef.current = context;
  });

  useEffect(() => {
    const matcher = new ShortcutMatcher(registry);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat || event.isComposing) return;
      if (event.ctrlKey || event.altKey || event.metaKey) return;
      if (isOwnedByFocusedControl(event.target)) {
        matcher.reset();
        return;
      }
      const command = matcher.feed(event.key, event.timeStamp);
      if (command) {
        event.preventDefault();
        command.run(contextRef.current);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [registry]);
}
