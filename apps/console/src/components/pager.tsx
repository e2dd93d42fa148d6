import { useState } from 'preact/hooks';

/**
 * Cursor paging: the cursors of the pages seen so far, so "Previous" goes back without the API
 * knowing page numbers. `reset` starts over at the first page (a filter changed).
 */
export function useCursorPager(): {
  cursor: string | undefined;
  pageNumber: number;
  next: (cursor: string) => void;
  previous: () => void;
  reset: () => void;
} {
  const [stack, setStack] = useState<string[]>([]);
  return {
    cursor: stack[stack.length - 1],
    pageNumber: stack.length + 1,
    next: (cursor) => setStack((current) => [...current, cursor]),
    previous: () => setStack((current) => current.slice(0, -1)),
    reset: () => setStack([]),
  };
}

interface PagerProps {
  pageNumber: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
}

export function Pager({ pageNumber, nextCursor, onNext, onPrevious }: PagerProps): preact.JSX.Element {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={pageNumber === 1} onClick={onPrevious}>
        Previous
      </button>
      <span>Page {pageNumber}</span>
      <button
        type="button"
        disabled={nextCursor === null || nextCursor === undefined}
        onClick={() => nextCursor && onNext(nextCursor)}
      >
        Next
      </button>
    </nav>
  );
}
