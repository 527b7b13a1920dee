// The one HTML-escaping rule, for everything the product writes into HTML from data: emails
// (merge tags, footer, preheader), the tracking and public pages, the password-reset and
// confirmation emails, the builder's no-JS form snippet. Browser-safe.

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and attribute values (quoted with " or '). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}
