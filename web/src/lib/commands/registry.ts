// Every user command is registered once, with the label and shortcut that the shortcut help
// shows, in the manner of Excalidraw's actions/register.ts. Key handling only looks commands up
// here, so a shortcut cannot exist without being listed, nor be listed without working.

export interface Command<Context> {
  /** Stable id, e.g. `navigate.dashboard`. */
  id: string;
  /** What a person reads in the shortcut help, e.g. "Go to dashboard". */
  label: string;
  /** Keys pressed one after another, compared with `KeyboardEvent.key`: `['g', 'd']`, `['?']`. */
  shortcut: readonly string[];
  /** Heading under which the help lists the command. */
  group: string;
  run: (context: Context) => void;
}

/** Owns the commands of one app; not thread-related, lives as long as the page. */
export class CommandRegistry<Context> {
  private readonly commands = new Map<string, Command<Context>>();

  /** Registering an id or a shortcut twice is a programming mistake, so it throws at load. */
  register(command: Command<Context>): Command<Context> {
    if (command.shortcut.length === 0) throw new Error(`Command ${command.id} has no shortcut`);
    if (this.commands.has(command.id)) throw new Error(`Command ${command.id} registered twice`);
    const key = command.shortcut.join(' ');
    for (const other of this.commands.values()) {
      const otherKey = other.shortcut.join(' ');
      if (otherKey === key || otherKey.startsWith(`${key} `) || key.startsWith(`${otherKey} `)) {
        throw new Error(`Shortcut of ${command.id} clashes with ${other.id}`);
      }
    }
    this.commands.set(command.id, command);
    return command;
  }

  get(id: string): Command<Context> | undefined {
    return this.commands.get(id);
  }

  /** In registration order, which is the order the help lists them in. */
  list(): Command<Context>[] {
    return [...this.commands.values()];
  }
}

/** Longest pause between the keys of one sequence, like Gmail's and GitHub's `g` shortcuts. */
export const sequenceTimeoutMs = 1500;

/**
 * Turns single key presses into commands. Time is passed in, not read, so tests are exact.
 */
export class ShortcutMatcher<Context> {
  private pending: string[] = [];
  private lastKeyAtMs = Number.NEGATIVE_INFINITY;

  private readonly registry: CommandRegistry<Context>;
  private readonly timeoutMs: number;

  constructor(registry: CommandRegistry<Context>, timeoutMs: number = sequenceTimeoutMs) {
    this.registry = registry;
    this.timeoutMs = timeoutMs;
  }

  /** Returns the command the key completes, or null while a sequence is incomplete or unknown. */
  feed(key: string, atMs: number): Command<Context> | null {
    if (atMs - this.lastKeyAtMs > this.timeoutMs) this.pending = [];
    this.lastKeyAtMs = atMs;
    const match = this.advance([...this.pending, key]) ?? this.advance([key]);
    return match === 'waiting' ? null : match;
  }

  reset(): void {
    this.pending = [];
  }

  private advance(keys: string[]): Command<Context> | 'waiting' | null {
    let isPrefix = false;
    for (const command of this.registry.list()) {
      const { shortcut } = command;
      if (!keys.every((key, index) => shortcut[index] === key)) continue;
      if (shortcut.length === keys.length) {
        this.pending = [];
        return command;
      }
      isPrefix = true;
    }
    if (isPrefix) {
      this.pending = keys;
      return 'waiting';
    }
    this.pending = [];
    return null;
  }
}
