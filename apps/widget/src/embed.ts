// embed.js: `<script src=".../embed.js" data-form="PUBLIC_ID" async></script>` renders the form
// right where the tag stands. Several tags on one page each render their own form. No cookies:
// attribution travels with the submission, pending retries live in localStorage.
import { META_KEYS, UTM_KEYS, type PublicForm } from '@kindling/shared/form-submission';
import { renderForm } from './render.js';
import { startOutbox, submit } from './outbox.js';

function randomId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function attribution(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {
    [META_KEYS.pageUrl]: location.href,
    [META_KEYS.referrer]: document.referrer,
  };
  for (const k of UTM_KEYS) {
    const v = query.get(k);
    if (v) out[k] = v;
  }
  return out;
}

function boot(script: HTMLScriptElement): void {
  const publicId = script.dataset.form;
  if (!publicId || script.dataset.klMounted) return;
  script.dataset.klMounted = '1';
  const api = script.dataset.api ?? new URL(script.src, location.href).origin;
  const host = document.createElement('div');
  host.className = 'kindling-form';
  host.dataset.form = publicId;
  script.parentNode?.insertBefore(host, script.nextSibling);
  const query = new URLSearchParams(location.search);
  fetch(`${api}/api/public/forms/${encodeURIComponent(publicId)}`, { credentials: 'omit' })
    .then(async (res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const form = (await res.json()) as PublicForm;
      renderForm(host, form, {
        query,
        context: attribution(query),
        submit: (payload) =>
          submit(form.submitUrl, { ...payload, [META_KEYS.submissionId]: randomId() }),
        redirect: (url) => location.assign(url),
      });
      host.dataset.ready = '1';
    })
    .catch((err: unknown) => {
      host.dataset.error = String(err);
      console.warn(`Kindling: form ${publicId} could not be loaded (${String(err)})`);
    });
}

const current = document.currentScript;
if (current instanceof HTMLScriptElement) boot(current);
// Covers tags whose script ran from cache before currentScript could be read, and duplicates.
document.querySelectorAll<HTMLScriptElement>('script[data-form]').forEach((s) => {
  if (/\/embed\.js(\?|$)/.test(s.src)) boot(s);
});
startOutbox();
