import { useState } from 'react';
import { LEAD_STATUSES, type LeadFacets, type LeadFilters } from '@kindling/shared';
import { Button } from '../../../components/button';

type FilterKey = keyof LeadFilters;

/** One "Any …" select over a facet's values. */
function FacetSelect({
  label,
  any,
  value,
  options,
  onChange,
}: {
  label: string;
  any: string;
  value: string | undefined;
  options: { value: string; label: string }[] | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <select
      className="input select input-sm"
      aria-label={label}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">{any}</option>
      {options?.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function DateFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <label className="date-filter">
      <span>{label}</span>
      <input
        className="input input-sm"
        type="date"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

const same = (v: string) => ({ value: v, label: v });
const named = (x: { id: string; name: string }) => ({ value: x.id, label: x.name });

/** The leads page's search box and filters; every change lands in the URL. */
export function FiltersBar({
  filters,
  facets,
  hasFilters,
  setFilter,
  onClear,
}: {
  filters: LeadFilters;
  facets: LeadFacets | undefined;
  hasFilters: boolean;
  setFilter: (key: FilterKey, value: string) => void;
  onClear: () => void;
}) {
  const [search, setSearch] = useState(filters.q ?? '');
  const facet = (key: FilterKey) => ({
    value: filters[key],
    onChange: (v: string) => setFilter(key, v),
  });
  return (
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
      <FacetSelect
        label="Status"
        any="Any status"
        options={LEAD_STATUSES.map(same)}
        {...facet('status')}
      />
      <FacetSelect label="Tag" any="Any tag" options={facets?.tags.map(same)} {...facet('tag')} />
      <FacetSelect
        label="Form"
        any="Any form"
        options={facets?.forms.map(named)}
        {...facet('formId')}
      />
      <FacetSelect
        label="Campaign"
        any="Any campaign"
        options={facets?.campaigns.map(named)}
        {...facet('campaignId')}
      />
      <FacetSelect
        label="UTM source"
        any="Any source"
        options={facets?.utmSources.map(same)}
        {...facet('utmSource')}
      />
      <DateFilter label="From" {...facet('from')} />
      <DateFilter label="To" {...facet('to')} />
      {hasFilters && (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => {
            setSearch('');
            onClear();
          }}
        >
          Clear filters
        </Button>
      )}
    </form>
  );
}
