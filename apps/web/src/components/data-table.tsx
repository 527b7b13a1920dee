// The table every list page uses, and the loading / error / empty states around a listing query.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { EmptyState, ErrorState, LoadingRows } from './feedback';

/** A column heading: its text, or a heading only screen readers get, or one with a class. */
export type Column = ReactNode | { label: ReactNode; hidden?: boolean; className?: string };

function isColumnSpec(c: Column): c is { label: ReactNode; hidden?: boolean; className?: string } {
  return typeof c === 'object' && c !== null && 'label' in c;
}

/**
 * Whether the element scrolls sideways now (a wide table on a phone): such a box must be
 * reachable by keyboard, so it can be scrolled without a pointer.
 */
function useScrollsSideways<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return { ref, scrolls };
}

export function DataTable({
  columns,
  head,
  className,
  testId,
  busy,
  children,
}: {
  columns: Column[];
  /** Heading cells of its own (sort buttons, a select-all box), after `columns`. */
  head?: ReactNode;
  className?: string;
  testId?: string;
  busy?: boolean;
  children: ReactNode;
}) {
  const wrap = useScrollsSideways<HTMLDivElement>();
  return (
    <div
      className="table-wrap"
      ref={wrap.ref}
      {...(wrap.scrolls
        ? { tabIndex: 0, role: 'group', 'aria-label': 'Table (scrolls sideways)' }
        : {})}
    >
      <table
        className={`table${className ? ` ${className}` : ''}`}
        data-testid={testId}
        aria-busy={busy || undefined}
      >
        <thead>
          <tr>
            {columns.map((c, i) =>
              isColumnSpec(c) ? (
                <th key={i} scope="col" className={c.className}>
                  {c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label}
                </th>
              ) : (
                <th key={i} scope="col">
                  {c}
                </th>
              ),
            )}
            {head}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** What an empty listing shows: a compact empty state. */
export interface EmptyProps {
  icon: ReactNode;
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
}

/**
 * A listing query's body: skeleton rows while loading, the error with a retry, the empty state
 * when `isEmpty` says so, else `children` with the data.
 */
export function QueryBody<T>({
  query,
  rows,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  rows?: number;
  isEmpty?: (data: T) => boolean;
  empty?: EmptyProps;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingRows rows={rows} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return empty ? <EmptyState compact {...empty} /> : null;
  return <>{children(query.data)}</>;
}
