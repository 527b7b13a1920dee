import type { LeadFilters, LeadStatus } from '@kindling/shared';

export const FILTER_KEYS = [
  'q',
  'status',
  'tag',
  'formId',
  'campaignId',
  'from',
  'to',
  'utmSource',
] as const;

/** The page's filters from the URL, so a reload, a shared link and the export all agree. */
export function filtersFrom(params: URLSearchParams): LeadFilters {
  const f: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export function toQuery(values: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  return p.toString();
}

export const STATUS_TONE: Record<LeadStatus, 'success' | 'neutral' | 'warning' | 'danger'> = {
  active: 'success',
  unsubscribed: 'neutral',
  bounced: 'warning',
  complained: 'danger',
};

export const COLUMN_LABELS: Record<string, string> = {
  id: 'ID',
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  phone: 'Phone',
  status: 'Status',
  tags: 'Tags',
  timeZone: 'Time zone',
  consentAt: 'Consent given at',
  consentText: 'Consent text',
  confirmedAt: 'Confirmed at',
  unsubscribedAt: 'Unsubscribed at',
  firstUtmSource: 'UTM source',
  firstUtmMedium: 'UTM medium',
  firstUtmCampaign: 'UTM campaign',
  firstUtmTerm: 'UTM term',
  firstUtmContent: 'UTM content',
  firstReferrer: 'Referrer',
  firstPageUrl: 'First page',
  createdAt: 'Created',
  updatedAt: 'Updated',
};

export const fullName = (l: { firstName: string | null; lastName: string | null }) =>
  [l.firstName, l.lastName].filter(Boolean).join(' ');

export const formatCount = (n: number) => n.toLocaleString('en-US');
