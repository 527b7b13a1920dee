// Small server-rendered pages for visitors without JavaScript: the hosted thank-you page, the
// double opt-in result, and errors of a plain HTML form post. Every value is HTML-escaped.

import { escapeHtml as esc } from '@kindling/shared';

export interface PageOptions {
  title: string;
  heading: string;
  body: string[];
  tone?: 'ok' | 'bad';
  /** A link back (the page the form was on), when known and http(s). */
  back?: string | null;
  list?: string[];
}

/** One self-contained HTML page (inline CSS, no scripts). */
export function page(o: PageOptions): string {
  const back = o.back && /^https?:\/\//.test(o.back) ? o.back : null;
  const mark = o.tone === 'bad' ? '!' : '&#10003;';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(o.title)}</title>
<style>
body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f8f8f6;color:#1c1b19;
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:460px;margin:24px;padding:36px 32px;background:#fff;border:1px solid #e7e5e1;border-radius:14px;
box-shadow:0 1px 2px rgba(0,0,0,.04),0 8px 24px rgba(0,0,0,.06);text-align:center}
.mark{display:inline-grid;place-items:center;width:48px;height:48px;border-radius:50%;font-size:24px;font-weight:700;
color:#fff;background:${o.tone === 'bad' ? '#c92a2a' : '#ea580c'}}
h1{font-size:22px;margin:16px 0 8px}p{margin:8px 0;color:#403e3a}ul{text-align:left;color:#c92a2a;padding-left:20px}
a{color:#c2410c;font-weight:600}
</style></head>
<body><main><span class="mark" aria-hidden="true">${mark}</span><h1>${esc(o.heading)}</h1>
${o.body.map((p) => `<p>${esc(p)}</p>`).join('')}
${o.list?.length ? `<ul>${o.list.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}
${back ? `<p><a href="${esc(back)}">Back to the form</a></p>` : ''}
</main></body></html>`;
}
