import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LEAD_STATUSES, type LeadList } from '@kindling/shared';
import { api } from '../../api';
import { PageHeader, Badge } from '../../components/layout';
import { Button, ButtonLink } from '../../components/button';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { DownloadIcon, FormsIcon, LeadsIcon, PlusIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { useSession, wsKey } from '../../lib/queries';
import { can } from '../../lib/roles';
import { relativeTime, shortDate } from '../../lib/format';
import { ExportDialog } from './export-dialog';
import {
  FILTER_KEYS,
  STATUS_TONE,
  filtersFrom,
  formatCount,
  fullName,
  toQuery,
  type Facets,
} from './common';
import './leads.css';

type BulkAction = 'tag' | 'untag' | 'enroll' | 'unsubscribe' | 'delete';
const PAGE_SIZE = 50;

const SORTABLE: { key: string; label: string }[] = [
  { key: 'email', label: 'Lead' },
  { key: 'status', label: 'Status' },
];

export function LeadsPage() {
  const me = useSession();
  // What the api allows this role (packages/shared permissions): one lead is ordinary work,
  // many at once and the full export need an admin.
  const may = {
    write: can(me.role, 'leads:write'),
    bulkDestructive: can(me.role, 'leads:bulk-destructive'),
    enroll: can(me.role, 'campaigns:send'),
    export: can(me.role, 'leads:export'),
  };
  const qc = useQueryClient();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const sort = params.get('sort') ?? 'createdAt';
  const dir = params.get('dir') === 'asc' ? 'asc' : 'desc';
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const cursor = cursors[page] ?? null;
  const [search, setSearch] = useState(filters.q ?? '');

  // New filters or sort start again from the first page with nothing selected.
  const filterKey = params.toString();
  useEffect(() => {
    setCursors([null]);
    setSelected(new Set());
    setAllMatching(false);
  }, [filterKey]);

  const facets = useQuery({
    queryKey: wsKey(me.workspace.id, 'leads', 'facets'),
    queryFn: () => api.get<Facets>('/api/leads/facets'),
    staleTime: 60_000,
  });
  const listKey = wsKey(me.workspace.id, 'leads', 'list', filterKey, cursor ?? '');
  const list = useQuery({
    queryKey: listKey,
    queryFn: () =>
      api.get<LeadList>(
        `/api/leads?${toQuery({ ...filters, sort, dir, limit: PAGE_SIZE, cursor })}`,
      ),
    placeholderData: keepPreviousData,
  });
  // The total comes with the first page only (cheaper deep pages); keep it while paging.
  const [total, setTotal] = useState<number | null>(null);
  useEffect(() => {
    if (list.data && list.data.total !== null) setTotal(list.data.total);
  }, [list.data]);

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [action, setAction] = useState<BulkAction | null>(null);
  const [actionTag, setActionTag] = useState('');
  const [actionCampaign, setActionCampaign] = useState('');
  const [confirmCount, setConfirmCount] = useState<number | null>(null);
  const [exporting, setExporting] = useState(false);

  const items = list.data?.items ?? [];
  const pageIds = items.map((l) => l.id);
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const selectionCount = allMatching ? (total ?? 0) : selected.size;

  function setFilter(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  }
  function setSort(key: string) {
    const next = new URLSearchParams(params);
    const nextDir =
      sort === key && dir === 'desc'
        ? 'asc'
        : sort === key
          ? 'desc'
          : key === 'createdAt'
            ? 'desc'
            : 'asc';
    next.set('sort', key);
    next.set('dir', nextDir);
    setParams(next, { replace: true });
  }
  const hasFilters = FILTER_KEYS.some((k) => params.get(k));

  const selection = () => (allMatching ? { filters } : { ids: [...selected] });

  async function askConfirm(a: BulkAction) {
    setAction(a);
    setConfirmCount(null);
    // The confirmation states the exact count the server will act on.
    const { count } = await api.post<{ count: number }>('/api/leads/count', selection());
    setConfirmCount(count);
  }

  const bulk = useMutation({
    mutationFn: () =>
      api.post<{ affected: number; skipped?: number }>('/api/leads/bulk', {
        action,
        ...selection(),
        ...(action === 'tag' || action === 'untag' ? { tag: actionTag.trim() } : {}),
        ...(action === 'enroll' ? { campaignId: actionCampaign } : {}),
      }),
    onSuccess: (r) => {
      const verb = {
        tag: 'Tagged',
        untag: 'Removed the tag from',
        enroll: 'Enrolled',
        unsubscribe: 'Unsubscribed',
        delete: 'Deleted',
      }[action!];
      toast.success(
        `${verb} ${formatCount(r.affected)} ${r.affected === 1 ? 'lead' : 'leads'}${r.skipped ? ` (${formatCount(r.skipped)} skipped: inactive or already enrolled)` : ''}`,
      );
      setAction(null);
      setSelected(new Set());
      setAllMatching(false);
      setActionTag('');
      void qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'leads') });
    },
    onError: (err) => toast.error(err.message),
  });

  const actionReady =
    action === 'tag' || action === 'untag'
      ? actionTag.trim() !== ''
      : action === 'enroll'
        ? actionCampaign !== ''
        : true;
  const noun = (n: number) => `${formatCount(n)} ${n === 1 ? 'lead' : 'leads'}`;
  const confirmTitle =
    confirmCount === null
      ? 'Counting…'
      : {
          tag: `Tag ${noun(confirmCount)}?`,
          untag: `Remove a tag from ${noun(confirmCount)}?`,
          enroll: `Enroll ${noun(confirmCount)} in a campaign?`,
          unsubscribe: `Unsubscribe ${noun(confirmCount)}?`,
          delete: `Delete ${noun(confirmCount)} and their personal data?`,
          none: '',
        }[action ?? 'none'];

  const empty = list.data && total === 0 && !hasFilters;

  return (
    <>
      <PageHeader
        title="Leads"
        description={
          total !== null
            ? `${formatCount(total)} ${hasFilters ? 'matching' : 'in this workspace'}`
            : 'Everyone who filled in one of your forms, in one place.'
        }
        actions={
          <>
            {may.write && (
              <ButtonLink
                to="/leads/import"
                icon={<PlusIcon size={16} />}
                data-testid="leads-import"
              >
                Import CSV
              </ButtonLink>
            )}
            {may.export && (
              <Button
                variant="primary"
                icon={<DownloadIcon size={16} />}
                onClick={() => setExporting(true)}
                disabled={!total}
                data-testid="leads-export"
              >
                Export CSV
              </Button>
            )}
          </>
        }
      />

      {empty ? (
        <section className="card">
          <EmptyState
            testId="leads-empty"
            icon={<LeadsIcon size={22} />}
            title="No leads yet"
            actions={
              <>
                <ButtonLink to="/forms" variant="primary" icon={<FormsIcon size={16} />}>
                  Go to Forms
                </ButtonLink>
                {may.write && <ButtonLink to="/leads/import">Import a CSV file</ButtonLink>}
              </>
            }
          >
            <p>
              Leads appear here the moment someone submits one of your forms, or import the list you
              already have.
            </p>
          </EmptyState>
        </section>
      ) : (
        <section className="card leads-card">
          <form
            className="leads-filters"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setFilter('q', search.trim());
            }}
          >
            <input
              className="input leads-search"
              type="search"
              placeholder="Search email or name"
              aria-label="Search leads by email or name"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              onBlur={() => setFilter('q', search.trim())}
              data-testid="leads-search"
            />
            <select
              className="input select input-sm"
              aria-label="Status"
              value={filters.status ?? ''}
              onChange={(e) => setFilter('status', e.target.value)}
            >
              <option value="">Any status</option>
              {LEAD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <select
              className="input select input-sm"
              aria-label="Tag"
              value={filters.tag ?? ''}
              onChange={(e) => setFilter('tag', e.target.value)}
            >
              <option value="">Any tag</option>
              {facets.data?.tags.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <select
              className="input select input-sm"
              aria-label="Form"
              value={filters.formId ?? ''}
              onChange={(e) => setFilter('formId', e.target.value)}
            >
              <option value="">Any form</option>
              {facets.data?.forms.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
            <select
              className="input select input-sm"
              aria-label="Campaign"
              value={filters.campaignId ?? ''}
              onChange={(e) => setFilter('campaignId', e.target.value)}
            >
              <option value="">Any campaign</option>
              {facets.data?.campaigns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <select
              className="input select input-sm"
              aria-label="UTM source"
              value={filters.utmSource ?? ''}
              onChange={(e) => setFilter('utmSource', e.target.value)}
            >
              <option value="">Any source</option>
              {facets.data?.utmSources.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <label className="date-filter">
              <span>From</span>
              <input
                className="input input-sm"
                type="date"
                value={filters.from ?? ''}
                onChange={(e) => setFilter('from', e.target.value)}
              />
            </label>
            <label className="date-filter">
              <span>To</span>
              <input
                className="input input-sm"
                type="date"
                value={filters.to ?? ''}
                onChange={(e) => setFilter('to', e.target.value)}
              />
            </label>
            {hasFilters && (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setSearch('');
                  const next = new URLSearchParams();
                  if (params.get('sort')) next.set('sort', sort);
                  if (params.get('dir')) next.set('dir', dir);
                  setParams(next, { replace: true });
                }}
              >
                Clear filters
              </Button>
            )}
          </form>

          {(selected.size > 0 || allMatching) && (
            <div className="bulk-bar" data-testid="bulk-bar">
              <strong>{formatCount(selectionCount)} selected</strong>
              {allOnPage && !allMatching && total !== null && total > items.length && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setAllMatching(true)}
                  data-testid="select-all-matching"
                >
                  Select all {formatCount(total)} {hasFilters ? 'matching' : ''} leads
                </button>
              )}
              {allMatching && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setAllMatching(false);
                    setSelected(new Set());
                  }}
                >
                  Clear selection
                </button>
              )}
              <span className="bulk-spacer" />
              {may.write && (
                <>
                  <Button size="sm" onClick={() => void askConfirm('tag')} data-testid="bulk-tag">
                    Tag
                  </Button>
                  <Button size="sm" onClick={() => void askConfirm('untag')}>
                    Remove tag
                  </Button>
                </>
              )}
              {may.enroll && (
                <Button size="sm" onClick={() => void askConfirm('enroll')}>
                  Enroll
                </Button>
              )}
              {(may.bulkDestructive || (may.write && !allMatching && selected.size === 1)) && (
                <>
                  <Button size="sm" onClick={() => void askConfirm('unsubscribe')}>
                    Unsubscribe
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    onClick={() => void askConfirm('delete')}
                    data-testid="bulk-delete"
                  >
                    Delete
                  </Button>
                </>
              )}
            </div>
          )}

          {list.isPending && <LoadingRows rows={6} />}
          {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
          {list.data && items.length === 0 && (
            <EmptyState compact icon={<LeadsIcon size={20} />} title="No leads match these filters">
              <p>Try a shorter search or clear a filter.</p>
            </EmptyState>
          )}
          {items.length > 0 && (
            <div className="table-wrap">
              <table
                className="table leads-table"
                data-testid="leads-table"
                aria-busy={list.isFetching || undefined}
              >
                <thead>
                  <tr>
                    <th className="cell-check">
                      <input
                        type="checkbox"
                        aria-label="Select every lead on this page"
                        checked={allOnPage}
                        onChange={(e) => {
                          setAllMatching(false);
                          const next = new Set(selected);
                          for (const id of pageIds) {
                            if (e.target.checked) next.add(id);
                            else next.delete(id);
                          }
                          setSelected(next);
                        }}
                      />
                    </th>
                    {SORTABLE.map((c) => (
                      <th
                        key={c.key}
                        aria-sort={
                          sort === c.key ? (dir === 'asc' ? 'ascending' : 'descending') : undefined
                        }
                      >
                        <button
                          type="button"
                          className="sort-button"
                          onClick={() => setSort(c.key)}
                        >
                          {c.label}
                          <span aria-hidden="true" className="sort-arrow">
                            {sort === c.key ? (dir === 'asc' ? '↑' : '↓') : ''}
                          </span>
                        </button>
                      </th>
                    ))}
                    <th>Tags</th>
                    <th>Source</th>
                    <th
                      aria-sort={
                        sort === 'createdAt'
                          ? dir === 'asc'
                            ? 'ascending'
                            : 'descending'
                          : undefined
                      }
                    >
                      <button
                        type="button"
                        className="sort-button"
                        onClick={() => setSort('createdAt')}
                      >
                        Added
                        <span aria-hidden="true" className="sort-arrow">
                          {sort === 'createdAt' ? (dir === 'asc' ? '↑' : '↓') : ''}
                        </span>
                      </button>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((l) => {
                    const name = fullName(l);
                    return (
                      <tr
                        key={l.id}
                        className={selected.has(l.id) || allMatching ? 'row-selected' : undefined}
                      >
                        <td className="cell-check">
                          <input
                            type="checkbox"
                            aria-label={`Select ${l.email}`}
                            checked={allMatching || selected.has(l.id)}
                            onChange={(e) => {
                              setAllMatching(false);
                              const next = new Set(allMatching ? pageIds : selected);
                              if (e.target.checked) next.add(l.id);
                              else next.delete(l.id);
                              setSelected(next);
                            }}
                          />
                        </td>
                        <td>
                          <Link
                            to={`/leads/${l.id}`}
                            className="lead-link"
                            data-testid="lead-row-link"
                          >
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
                              onClick={() => setFilter('tag', t)}
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
                </tbody>
              </table>
            </div>
          )}
          {items.length > 0 && (
            <div className="pager">
              <span className="muted">
                {formatCount(page * PAGE_SIZE + 1)}–{formatCount(page * PAGE_SIZE + items.length)}
                {total !== null ? ` of ${formatCount(total)}` : ''}
              </span>
              <div className="pager-buttons">
                <Button
                  size="sm"
                  disabled={page === 0}
                  onClick={() => setCursors((c) => c.slice(0, -1))}
                >
                  Previous
                </Button>
                <Button
                  size="sm"
                  disabled={!list.data?.nextCursor}
                  onClick={() => setCursors((c) => [...c, list.data?.nextCursor ?? null])}
                  data-testid="leads-next"
                >
                  Next
                </Button>
              </div>
            </div>
          )}
        </section>
      )}

      <ConfirmDialog
        open={action !== null}
        title={confirmTitle}
        confirmLabel={
          action === 'delete' ? 'Delete' : action === 'unsubscribe' ? 'Unsubscribe' : 'Apply'
        }
        tone={action === 'delete' || action === 'unsubscribe' ? 'danger' : 'primary'}
        pending={bulk.isPending}
        onCancel={() => setAction(null)}
        onConfirm={() => {
          if (confirmCount !== null && actionReady) bulk.mutate();
        }}
      >
        <div className="stack-sm" data-testid="bulk-confirm">
          {(action === 'tag' || action === 'untag') && (
            <label className="field">
              <span className="field-label">Tag</span>
              <input
                className="input"
                list="lead-tags"
                value={actionTag}
                onChange={(e) => setActionTag(e.target.value)}
                autoFocus
                placeholder="e.g. webinar-2026"
              />
              <datalist id="lead-tags">
                {facets.data?.tags.map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
            </label>
          )}
          {action === 'enroll' && (
            <label className="field">
              <span className="field-label">Campaign</span>
              <select
                className="input select"
                value={actionCampaign}
                onChange={(e) => setActionCampaign(e.target.value)}
              >
                <option value="">Choose a campaign</option>
                {facets.data?.campaigns
                  .filter((c) => c.status === 'active')
                  .map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
              </select>
              <span className="field-hint">
                Only active leads not already in the campaign are enrolled.
              </span>
            </label>
          )}
          {action === 'unsubscribe' && (
            <p>They stop receiving every campaign and are added to the suppression list.</p>
          )}
          {action === 'delete' && (
            <p>
              Their submissions, emails and events stay in your counts but lose every personal
              detail. This cannot be undone.
            </p>
          )}
          {action && !actionReady && confirmCount !== null && (
            <p className="muted">Fill in the field above to continue.</p>
          )}
        </div>
      </ConfirmDialog>

      <ExportDialog
        open={exporting}
        onClose={() => setExporting(false)}
        filters={filters}
        total={total}
        customFields={facets.data?.customFields ?? []}
      />
    </>
  );
}
