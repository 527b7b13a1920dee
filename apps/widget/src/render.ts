// Renders one form into a shadow root. No framework: plain DOM keeps the bundle small, and the
// shadow root keeps the page's CSS and ours from leaking into each other. The web app's form
// builder imports this same function for its live preview.
import {
  META_KEYS,
  validateSubmission,
  type PublicField,
  type PublicForm,
  type SubmissionValue,
} from '@kindling/shared/form-submission';
import { readableOn } from '@kindling/shared/contrast';
import { styles } from './styles.js';

export type SubmitOutcome =
  | { kind: 'accepted' }
  | { kind: 'queued' }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'failed'; message: string };

export interface RenderOptions {
  /** Extra values sent with every submission (attribution, hidden fields). */
  context?: Record<string, string>;
  /** Values for hidden fields, read from the page's query string by the caller. */
  query?: URLSearchParams;
  /** Sends the payload; the preview passes a function that never touches the network. */
  submit: (payload: Record<string, SubmissionValue>) => Promise<SubmitOutcome>;
  /** Called on success when the form has a redirect URL (the preview ignores it). */
  redirect?: (url: string) => void;
}

let seq = 0;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null) el.append(c);
  return el;
}

/** Value a hidden field takes: its query parameter when present, else its default. */
export function hiddenValue(field: PublicField, query: URLSearchParams | undefined): string {
  const fromQuery = field.queryParam ? query?.get(field.queryParam) : null;
  return fromQuery ?? field.defaultValue ?? '';
}

/** Renders `form` into `host` (its shadow root); returns a function that removes it. */
export function renderForm(
  host: HTMLElement,
  form: PublicForm,
  options: RenderOptions,
): () => void {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  root.replaceChildren();
  const id = `kl${++seq}`;
  const t = form.theme;
  const style = h('style');
  style.textContent = styles;
  const wrap = h('div', { class: `kl ${t.mode === 'dark' ? 'dark' : ''}`, part: 'form' });
  wrap.style.cssText =
    `--kl-primary:${t.primary};--kl-on-primary:${readableOn(t.primary)};` +
    `--kl-bg:${t.background};--kl-text:${t.text};` +
    `--kl-radius:${t.radius}px;--kl-font:${t.font}`;

  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const el = h('form', {
    novalidate: true,
    'aria-label': form.name,
    method: 'post',
    action: form.submitUrl,
  });
  const inputs = new Map<
    string,
    HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | HTMLInputElement[]
  >();
  const errors = new Map<string, HTMLElement>();
  const hidden: Record<string, string> = {};

  for (const f of form.fields) {
    if (f.type === 'hidden') {
      hidden[f.key] = hiddenValue(f, options.query);
      continue;
    }
    const fid = `${id}-${f.key}`;
    const err = h('p', { class: 'err', id: `${fid}-err`, hidden: true });
    errors.set(f.key, err);
    const req = f.required || f.type === 'email';
    const mark = req ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null;
    const common = {
      id: fid,
      name: f.key,
      required: req,
      'aria-describedby': `${fid}-err`,
    };
    let row: HTMLElement;
    if (f.type === 'checkbox' || f.type === 'consent') {
      const input = h('input', { ...common, type: 'checkbox', value: 'true' });
      inputs.set(f.key, input);
      const text = f.type === 'consent' ? (f.consentText ?? f.label) : f.label;
      row = h('div', { class: 'row check' }, input, h('label', { for: fid }, text, mark));
    } else if (f.type === 'radio') {
      const radios: HTMLInputElement[] = [];
      const group = h('fieldset', {
        'aria-describedby': `${fid}-err`,
        'aria-required': req ? 'true' : undefined,
      });
      group.append(h('legend', {}, f.label, mark));
      f.options.forEach((o, i) => {
        const rid = `${fid}-${i}`;
        const r = h('input', { type: 'radio', id: rid, name: f.key, value: o.value });
        radios.push(r);
        group.append(h('div', { class: 'opt' }, r, h('label', { for: rid }, o.label)));
      });
      inputs.set(f.key, radios);
      row = h('div', { class: 'row' }, group);
    } else {
      let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
      if (f.type === 'textarea') {
        input = h('textarea', { ...common, rows: '4', placeholder: f.placeholder ?? undefined });
      } else if (f.type === 'select') {
        input = h('select', common, h('option', { value: '' }, f.placeholder ?? 'Choose…'));
        for (const o of f.options) input.append(h('option', { value: o.value }, o.label));
      } else {
        const type = f.type === 'phone' ? 'tel' : f.type === 'number' ? 'text' : f.type;
        input = h('input', {
          ...common,
          type,
          inputmode: f.type === 'number' ? 'decimal' : undefined,
          autocomplete: f.type === 'email' ? 'email' : f.type === 'phone' ? 'tel' : autoName(f.key),
          placeholder: f.placeholder ?? undefined,
          maxlength: f.maxLength ? String(f.maxLength) : undefined,
        });
      }
      inputs.set(f.key, input);
      row = h('div', { class: 'row' }, h('label', { for: fid }, f.label, mark), input);
    }
    row.append(err);
    el.append(row);
  }

  // Honeypot: off-screen and hidden from assistive tech; people never fill it, bots often do.
  const trap = h('input', {
    type: 'text',
    name: META_KEYS.honeypot,
    tabindex: '-1',
    autocomplete: 'off',
  });
  el.append(h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', {}, 'Website', trap)));

  const button = h('button', { type: 'submit', class: 'btn' }, form.submitLabel);
  el.append(button, status);
  wrap.append(el);
  root.append(style, wrap);
  const shownAt = Date.now();

  const values = (): Record<string, SubmissionValue> => {
    const out: Record<string, SubmissionValue> = { ...hidden };
    for (const [key, input] of inputs) {
      if (Array.isArray(input)) {
        const checked = input.find((r) => r.checked);
        if (checked) out[key] = checked.value;
      } else if (input instanceof HTMLInputElement && input.type === 'checkbox') {
        out[key] = input.checked;
      } else if (input.value !== '') out[key] = input.value;
    }
    return out;
  };

  const showErrors = (errs: Record<string, string>) => {
    let first: HTMLElement | null = null;
    for (const [key, p] of errors) {
      const msg = errs[key];
      const input = inputs.get(key);
      const targets = Array.isArray(input) ? input : input ? [input] : [];
      p.textContent = msg ?? '';
      p.hidden = !msg;
      for (const target of targets) {
        if (msg) target.setAttribute('aria-invalid', 'true');
        else target.removeAttribute('aria-invalid');
      }
      if (msg && !first) first = targets[0] ?? null;
    }
    const n = Object.keys(errs).length;
    status.className = n ? 'status bad' : 'status';
    status.textContent = n
      ? `Please fix ${n === 1 ? 'the highlighted field' : `${n} highlighted fields`}.`
      : '';
    first?.focus();
  };

  const succeed = (message: string) => {
    const done = h('div', { class: 'done', role: 'status', tabindex: '-1' }, message);
    wrap.replaceChildren(done);
    done.focus();
  };

  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    const data = values();
    const check = validateSubmission(form.fields, data);
    if (!check.ok) return showErrors(check.errors);
    showErrors({});
    const payload: Record<string, SubmissionValue> = {
      ...options.context,
      ...data,
      [META_KEYS.honeypot]: trap.value,
      [META_KEYS.elapsed]: Date.now() - shownAt,
    };
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    status.textContent = 'Sending…';
    void options.submit(payload).then((r) => {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      if (r.kind === 'accepted' || r.kind === 'queued') {
        if (r.kind === 'accepted' && form.redirectUrl && options.redirect)
          return options.redirect(form.redirectUrl);
        succeed(
          r.kind === 'accepted'
            ? form.successMessage
            : `${form.successMessage} (Your connection dropped; we saved your details and will send them as soon as we can.)`,
        );
      } else if (r.kind === 'invalid') showErrors(r.errors);
      else {
        status.className = 'status bad';
        status.textContent = r.message;
      }
    });
  });

  return () => root.replaceChildren();
}

function autoName(key: string): string | undefined {
  return (
    {
      first_name: 'given-name',
      last_name: 'family-name',
      name: 'name',
      company: 'organization',
    } as Record<string, string>
  )[key];
}
