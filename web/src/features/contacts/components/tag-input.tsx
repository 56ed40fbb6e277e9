import { TagsInput, type TagsInputProps } from '@mantine/core';
import { useState } from 'react';
import { tagNameProblem } from '../utils/tag-names';

interface TagInputProps extends Omit<TagsInputProps, 'data' | 'onChange' | 'value' | 'error'> {
  value: string[];
  onChange: (tags: string[]) => void;
  /** Names offered as you type: the workspace's tags. */
  suggestions: string[];
  /** A reason from the server, shown unless the input has its own. */
  error?: string | null;
}

/**
 * Tags typed or picked from the workspace's tags (Enter or comma adds one). A name the API would
 * refuse is not added; the reason shows under the input instead.
 */
export function TagInput({ value, onChange, suggestions, error, ...props }: TagInputProps) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <TagsInput
      {...props}
      value={value}
      data={suggestions}
      splitChars={[',']}
      clearable
      acceptValueOnBlur
      comboboxProps={{ withinPortal: true }}
      error={problem ?? error}
      onChange={(next) => {
        const added = next.filter((tag) => !value.includes(tag));
        const invalid = added.map(tagNameProblem).find((reason) => reason !== null);
        setProblem(invalid ?? null);
        onChange(next.map((tag) => tag.trim()).filter((tag) => tagNameProblem(tag) === null));
      }}
    />
  );
}
