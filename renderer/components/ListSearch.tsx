// The search box above a list: words matched against the model's text fields by the local search
// index, ignoring case and accents. Typing searches after a short pause (no query per key); Enter
// searches at once, and so does leaving the box; Escape clears.
import { useEffect, useRef, useState } from 'react';

/** How long typing pauses before the list is searched (ms). */
export const SEARCH_DEBOUNCE_MS = 200;

/** A labelled search input; `onSearch` gets the text after a pause, on Enter, or '' on Escape. */
export function ListSearch(props: { label: string; value: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState(props.value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const { onSearch } = props;
  useEffect(() => setText(props.value), [props.value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const later = (next: string) => {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = undefined;
      onSearch(next);
    }, SEARCH_DEBOUNCE_MS);
  };
  const now = (next: string) => {
    clearTimeout(timer.current);
    timer.current = undefined;
    setText(next);
    onSearch(next);
  };
  return (
    <div className="list-search" role="search">
      <input
        type="search"
        aria-label={props.label}
        placeholder={props.label}
        value={text}
        maxLength={500}
        onChange={(e) => later(e.target.value)}
        // Leaving the box (for another screen, say) applies what was typed, so nothing typed is lost.
        onBlur={() => timer.current !== undefined && text !== props.value && now(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            now(text);
          } else if (e.key === 'Escape' && text !== '') {
            e.preventDefault();
            e.stopPropagation();
            now('');
          }
        }}
      />
    </div>
  );
}
