import { CloseButton, Kbd, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { pageSearchAttribute } from '@/lib/page-search';

/** Typing pauses this long before the search runs. */
export const searchDebounceMs = 300;

interface SearchBoxProps {
  /** The applied search (from the URL or the parent). */
  value: string;
  onSearch: (q: string) => void;
  label: string;
  placeholder: string;
  /** The page's main search box answers the `/` shortcut. */
  pageSearch?: boolean;
}

/** A search input that applies what is typed after a pause, Enter at once. */
export function SearchBox({ value, onSearch, label, placeholder, pageSearch }: SearchBoxProps) {
  const [text, setText] = useState(value);
  const [applied, setApplied] = useState(value);
  if (value !== applied) {
    setApplied(value);
    setText(value);
  }
  const search = useDebouncedCallback((q: string) => {
    setApplied(q.trim());
    onSearch(q.trim());
  }, searchDebounceMs);

  return (
    <TextInput
      aria-label={label}
      placeholder={placeholder}
      leftSection={<IconSearch size={16} aria-hidden />}
      rightSection={
        text === '' ? (
          pageSearch && (
            <Kbd size="xs" aria-hidden>
              /
            </Kbd>
          )
        ) : (
          <CloseButton
            aria-label="Clear search"
            size="sm"
            onClick={() => {
              search.cancel();
              setText('');
              setApplied('');
              onSearch('');
            }}
          />
        )
      }
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
        search(event.currentTarget.value);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') search.flush();
        if (event.key === 'Escape') event.currentTarget.blur();
      }}
      w={{ base: '100%', sm: 260 }}
      {...(pageSearch ? { [pageSearchAttribute]: '' } : {})}
    />
  );
}
