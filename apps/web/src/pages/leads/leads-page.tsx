import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { LeadFacets, LeadList } from '@kindling/shared';
import { api } from '../../api';
import { PageHeader } from '../../components/layout';
import { Button, ButtonLink } from '../../components/button';
import { EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { DownloadIcon, FormsIcon, LeadsIcon, PlusIcon } from '../../components/icons';
import { useSession, wsKey } from '../../lib/queries';
import { can } from '../../lib/roles';
import { ExportDialog } from './export-dialog';
import { FILTER_KEYS, filtersFrom, formatCount, toQuery } from './common';
import { FiltersBar } from './list/filters-bar';
import { LeadsTable } from './list/leads-table';
import { BulkBar } from './list/bulk-bar';
import { BulkConfirmDialog, useBulkAction } from './list/bulk-action';
import './leads.css';

const PAGE_SIZE = 50;

/** The leads list: filters in the URL, cursor paging, selection and bulk actions, export. */
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
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const sort = params.get('sort') ?? 'createdAt';
  const dir = params.get('dir') === 'asc' ? 'asc' : 'desc';
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const cursor = cursors[page] ?? null;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [exporting, setExporting] = useState(false);
  const clearSelection = () => {
    setSelected(new Set());
    setAllMatching(false);
  };

  // New filters or sort start again from the first page with nothing selected.
  const filterKey = params.toString();
  useEffect(() => {
    setCursors([null]);
    clearSelection();
  }, [filterKey]);

  const facets = useQuery({
    queryKey: wsKey(me.workspace.id, 'leads', 'facets'),
    queryFn: () => api.get<LeadFacets>('/api/leads/facets'),
    staleTime: 60_000,
  });
  const list = useQuery({
    queryKey: wsKey(me.workspace.id, 'leads', 'list', filterKey, cursor ?? ''),
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

  const items = list.data?.items ?? [];
  const allOnPage = items.length > 0 && items.every((l) => selected.has(l.id));
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
  function clearFilters() {
    const next = new URLSearchParams();
    if (params.get('sort')) next.set('sort', sort);
    if (params.get('dir')) next.set('dir', dir);
    setParams(next, { replace: true });
  }
  const hasFilters = FILTER_KEYS.some((k) => params.get(k));

  const bulk = useBulkAction(
    () => (allMatching ? { filters } : { ids: [...selected] }),
    clearSelection,
  );

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
          <FiltersBar
            filters={filters}
            facets={facets.data}
            hasFilters={hasFilters}
            setFilter={setFilter}
            onClear={clearFilters}
          />

          {(selected.size > 0 || allMatching) && (
            <BulkBar
              count={selectionCount}
              offerAllMatching={allOnPage && !allMatching && total !== null && total > items.length}
              allMatchingLabel={`Select all ${formatCount(total ?? 0)} ${hasFilters ? 'matching' : ''} leads`}
              allMatching={allMatching}
              single={!allMatching && selected.size === 1}
              may={may}
              onSelectAllMatching={() => setAllMatching(true)}
              onClear={clearSelection}
              onAction={(a) => void bulk.ask(a)}
            />
          )}

          {list.isPending && <LoadingRows rows={6} />}
          {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
          {list.data && items.length === 0 && (
            <EmptyState compact icon={<LeadsIcon size={20} />} title="No leads match these filters">
              <p>Try a shorter search or clear a filter.</p>
            </EmptyState>
          )}
          {items.length > 0 && (
            <LeadsTable
              items={items}
              busy={list.isFetching}
              sort={{ key: sort, dir }}
              onSort={setSort}
              selected={selected}
              allMatching={allMatching}
              onSelect={(ids) => {
                setAllMatching(false);
                setSelected(ids);
              }}
              onTag={(t) => setFilter('tag', t)}
            />
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

      <BulkConfirmDialog dialog={bulk.dialog} facets={facets.data} />

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
