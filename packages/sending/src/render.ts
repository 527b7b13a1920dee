// Minimal merge-tag rendering: {{first_name}}, {{ lead.email }}, {{first_name | fallback}}.
// Values are HTML-escaped in HTML bodies, and never allowed to carry line breaks into headers.

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export type MergeVars = Record<string, string | number | boolean | null | undefined>;

const TAG = /\{\{\s*([a-zA-Z0-9_.]+)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

/** Replaces `{{name}}` / `{{name | fallback}}` tags; escapes values when `html` is true. */
export function renderMergeTags(template: string, vars: MergeVars, options: { html?: boolean } = {}): string {
  return template.replace(TAG, (_m, name: string, fallback: string | undefined) => {
    const key = name.startsWith('lead.') ? name.slice(5) : name;
    const raw = vars[key] ?? vars[name];
    const value = raw === null || raw === undefined || raw === '' ? (fallback ?? '') : String(raw);
    return options.html ? escapeHtml(value) : value;
  });
}

/** Merge variables of a lead: email, first_name, last_name, phone and every custom field. */
export function leadMergeVars(lead: {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  customFields?: unknown;
}): MergeVars {
  const vars: MergeVars = {
    email: lead.email,
    first_name: lead.firstName ?? '',
    last_name: lead.lastName ?? '',
    phone: lead.phone ?? '',
  };
  if (lead.customFields && typeof lead.customFields === 'object') {
    for (const [k, v] of Object.entries(lead.customFields as Record<string, unknown>)) {
      if (!(k in vars) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) vars[k] = v;
    }
  }
  return vars;
}

/** A plain-text rendition of an HTML body, for messages whose author gave no text part. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
