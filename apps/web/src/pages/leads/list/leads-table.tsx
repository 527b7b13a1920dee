import { Link } from 'react-router';
import type { LeadRow } from '@kindling/shared';
import { Badge } from '../../../components/layout';
import { DataTable } from '../../../components/data-table';
import { relativeTime, shortDate } from '../../../lib/format';
import { STATUS_TONE, fullName } from '../common';

export interface Sort {
  key: string;
  dir: 'asc' | 'desc';
}

/** A column heading that sorts by its key; says which way it sorts now. */
function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: string;
  sort: Sort;
  onSort: (key: string) => void;
}) {
  const on = sort.key === column;
  return (
    <th scope="col" aria-sort={on ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" className="sort-arrow">
          {on ? (sort.dir === 'asc' ? '↑' : '↓') : ''}
        </span>
      </button>
    </th>
  );
}

/**
 * One page of leads with a checkbox each. `allMatching` means every lead matching the filters is
 * selected (beyond this page), so every box shows ticked.
 */
export function LeadsTable({
  items,
  busy,
  sort,
  onSort,
  selected,
  allMatching,
  onSelect,
  onTag,
}: {
  items: LeadRow[];
  busy: boolean;
  sort: Sort;
  onSort: (key: string) => void;
  selected: Set<string>;
  allMatching: boolean;
  /** The new explicit selection (clears "all matching"). */
  onSelect: (ids: Set<string>) => void;
  onTag: (tag: string) => void;
}) {
  const pageIds = items.map((l) => l.id);
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const sortable = { sort, onSort };
  return (
    <DataTable
      className="leads-table"
      testId="leads-table"
      busy={busy}
      columns={[]}
      head={
        <>
          <th className="cell-check">
            <input
              type="checkbox"
              aria-label="Select every lead on this page"
              checked={allOnPage}
              onChange={(e) => {
                const next = new Set(selected);
                for (const id of pageIds) {
                  if (e.target.checked) next.add(id);
                  else next.delete(id);
                }
                onSelect(next);
              }}
            />
          </th>
          <SortHeader label="Lead" column="email" {...sortable} />
          <SortHeader label="Status" column="status" {...sortable} />
          <th scope="col">Tags</th>
          <th scope="col">Source</th>
          <SortHeader label="Added" column="createdAt" {...sortable} />
        </>
      }
    >
      {items.map((l) => {
        const name = fullName(l);
        return (
          <tr key={l.id} className={selected.has(l.id) || allMatching ? 'row-selected' : undefined}>
            <td className="cell-check">
              <input
                type="checkbox"
                aria-label={`Select ${l.email}`}
                checked={allMatching || selected.has(l.id)}
                onChange={(e) => {
                  const next = new Set(allMatching ? pageIds : selected);
                  if (e.target.checked) next.add(l.id);
                  else next.delete(l.id);
                  onSelect(next);
                }}
              />
            </td>
            <td>
              <Link to={`/leads/${l.id}`} className="lead-link" data-testid="lead-row-link">
                <span className="lead-name">{name || l.email}</span>
                {name && <span className="lead-email">{l.email}</span>}
              </Link>
            </td>
            <td>
              <Badge tone={STATUS_TONE[l.status]}>{l.status}</Badge>
            </td>
            <td className="cell-tags">
              {l.tags.slice(0, 3).map((t) => (
                <button
                  key={t}
                  type="button"
                  className="tag-chip"
                  onClick={() => onTag(t)}
                  title={`Show leads tagged ${t}`}
                >
                  {t}
                </button>
              ))}
              {l.tags.length > 3 && <span className="muted">+{l.tags.length - 3}</span>}
            </td>
            <td className="muted">{l.firstUtmSource ?? '—'}</td>
            <td className="muted" title={shortDate(l.createdAt)}>
              {relativeTime(l.createdAt)}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
