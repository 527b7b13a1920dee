// Merge-tag rendering for campaign emails. The sending pipeline (email.send) and the api's
// preview/test-send both call renderStepEmail, so what a marketer previews is what is sent.
import {
  escapeHtml,
  headerSafe,
  mergeTagKey,
  parseMergeTags,
  type EmailStepConfig,
} from '@kindling/shared';

/** The lead fields merge tags can read. */
export interface MergeLead {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  customFields?: unknown;
}

/** The workspace fields merge tags can read. */
export interface MergeWorkspace {
  name: string;
}

export interface RenderedEmail {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}

/** The raw (unescaped) value of one merge tag for a lead; undefined when it has none. */
export function mergeValue(
  name: string,
  lead: MergeLead,
  workspace: MergeWorkspace,
): string | undefined {
  const key = mergeTagKey(name);
  const nonEmpty = (v: string | number | boolean | null | undefined) =>
    v === null || v === undefined || v === '' ? undefined : String(v);
  switch (key) {
    case 'email':
      return nonEmpty(lead.email);
    case 'first_name':
      return nonEmpty(lead.firstName);
    case 'last_name':
      return nonEmpty(lead.lastName);
    case 'full_name':
      return nonEmpty([lead.firstName, lead.lastName].filter(Boolean).join(' ').trim());
    case 'phone':
      return nonEmpty(lead.phone);
    case 'workspace_name':
      return nonEmpty(workspace.name);
  }
  const custom = lead.customFields;
  if (custom && typeof custom === 'object' && !Array.isArray(custom)) {
    const v = (custom as Record<string, unknown>)[key];
    if (Array.isArray(v))
      return nonEmpty(
        v
          .filter((x) => typeof x !== 'object')
          .map(String)
          .join(', '),
      );
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      return nonEmpty(v);
    return undefined;
  }
  return undefined;
}

/** Replaces merge tags in a template; `encode` turns each value into the target syntax. */
export function renderTemplate(
  template: string,
  lead: MergeLead,
  workspace: MergeWorkspace,
  encode: (value: string) => string,
): string {
  let out = '';
  let last = 0;
  for (const tag of parseMergeTags(template)) {
    if (tag.error && tag.name === '') continue; // an unclosed "{{" stays as typed
    out += template.slice(last, tag.index);
    const value = tag.error ? '' : (mergeValue(tag.name, lead, workspace) ?? tag.fallback ?? '');
    out += encode(value);
    last = tag.index + tag.raw.length;
  }
  return out + template.slice(last);
}

/**
 * Renders a campaign email step for one lead: merge-tag values are HTML-escaped in the HTML
 * part, and the subject and preheader never contain CR/LF, whatever the lead typed.
 */
export function renderStepEmail(
  config: EmailStepConfig,
  lead: MergeLead,
  workspace: MergeWorkspace,
): RenderedEmail {
  return {
    subject: headerSafe(renderTemplate(config.subject, lead, workspace, (v) => v)),
    preheader: headerSafe(renderTemplate(config.preheader ?? '', lead, workspace, (v) => v)),
    html: renderTemplate(config.html, lead, workspace, escapeHtml),
    text: renderTemplate(config.text ?? '', lead, workspace, (v) => v),
  };
}

/** The HTML body with the preheader as the hidden first text inbox previews show. */
export function withPreheader(html: string, preheader: string): string {
  if (!preheader) return html;
  const hidden = `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(preheader)}</div>`;
  return /<body[^>]*>/i.test(html)
    ? html.replace(/<body[^>]*>/i, (b) => b + hidden)
    : hidden + html;
}
