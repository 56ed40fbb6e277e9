import type { ParameterFormat } from '../api/get-templates';

// Variables in template text: `{{1}}`, `{{2}}` (positional) or `{{customer_name}}` (named), per
// the Cloud API's template rules (reference §1.5). Everything between double braces is read, so
// that a malformed variable can be named in an error instead of being sent to Meta.

const placeholderPattern = /\{\{([^{}]*)\}\}/g;
const positionalName = /^[1-9]\d*$/;
const namedName = /^[a-z0-9_]+$/;

/** The text inside every `{{…}}`, in order, repeats included. */
export function placeholdersIn(text: string): string[] {
  return Array.from(text.matchAll(placeholderPattern), (match) => match[1]!);
}

/** Each variable once, in the order of its first appearance. */
export function variablesIn(text: string): string[] {
  return [...new Set(placeholdersIn(text))];
}

/** The next positional variable of `text`: one more than the highest it uses. */
export function nextPositionalVariable(text: string): string {
  const numbers = variablesIn(text)
    .filter((name) => positionalName.test(name))
    .map(Number);
  return String(numbers.length === 0 ? 1 : Math.max(...numbers) + 1);
}

export function isValidVariableName(name: string, format: ParameterFormat): boolean {
  return format === 'positional' ? positionalName.test(name) : isValidNamedVariable(name);
}

function isValidNamedVariable(name: string): boolean {
  return namedName.test(name) && !/^\d+$/.test(name);
}

/**
 * Why the variables of `text` would be refused, or null. `maxVariables` limits how many distinct
 * ones may appear (a header holds one).
 */
export function checkVariables(
  text: string,
  format: ParameterFormat,
  maxVariables = Number.POSITIVE_INFINITY,
): string | null {
  const found = placeholdersIn(text);
  for (const raw of found) {
    if (raw.trim() !== raw || raw === '') {
      return `Write variables without spaces, like ${format === 'positional' ? '{{1}}' : '{{first_name}}'}`;
    }
    if (format === 'positional' && !positionalName.test(raw)) {
      return `This template numbers its variables: use {{1}}, {{2}}, … instead of {{${raw}}}`;
    }
    if (format === 'named' && !isValidNamedVariable(raw)) {
      return positionalName.test(raw)
        ? `This template names its variables: use a name like {{first_name}} instead of {{${raw}}}`
        : `Variable names use lowercase letters, digits and _ only: {{${raw}}} is not allowed`;
    }
  }
  const withoutVariables = text.replace(placeholderPattern, '');
  if (withoutVariables.includes('{{') || withoutVariables.includes('}}')) {
    return 'Close every variable: {{ and }} go in pairs around a name';
  }
  const distinct = [...new Set(found)];
  if (distinct.length > maxVariables) {
    return maxVariables === 1
      ? 'Use at most one variable here'
      : `Use at most ${maxVariables} variables here`;
  }
  if (format === 'positional') {
    const outOfOrder = distinct.findIndex((name, index) => Number(name) !== index + 1);
    if (outOfOrder >= 0) {
      return `Number the variables in order of appearance: {{${outOfOrder + 1}}} comes next, not {{${distinct[outOfOrder]}}}`;
    }
  }
  return null;
}
