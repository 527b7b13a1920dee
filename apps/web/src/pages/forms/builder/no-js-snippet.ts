import { escapeHtml as esc, type Form } from '@kindling/shared';

/** A plain HTML form posting to the public endpoint, for pages without JavaScript. */
export function noJsSnippet(form: Form, origin: string): string {
  const action = `${origin}/api/public/forms/${form.publicId}/submissions`;
  const lines = [`<form method="post" action="${action}">`];
  for (const f of form.fields) {
    const req = f.required || f.type === 'email' ? ' required' : '';
    const id = `kl-${f.key}`;
    if (f.type === 'hidden') {
      lines.push(`  <input type="hidden" name="${f.key}" value="${esc(f.defaultValue ?? '')}">`);
    } else if (f.type === 'checkbox' || f.type === 'consent') {
      lines.push(
        `  <label><input type="checkbox" name="${f.key}" value="true"${req}> ${esc(f.consentText ?? f.label)}</label>`,
      );
    } else if (f.type === 'select' || f.type === 'radio') {
      lines.push(
        `  <label for="${id}">${esc(f.label)}</label>`,
        `  <select id="${id}" name="${f.key}"${req}>`,
        '    <option value="">Choose…</option>',
      );
      for (const o of f.options)
        lines.push(`    <option value="${esc(o.value)}">${esc(o.label)}</option>`);
      lines.push('  </select>');
    } else if (f.type === 'textarea') {
      lines.push(
        `  <label for="${id}">${esc(f.label)}</label>`,
        `  <textarea id="${id}" name="${f.key}"${req}></textarea>`,
      );
    } else {
      const type = f.type === 'phone' ? 'tel' : f.type === 'number' ? 'number' : f.type;
      lines.push(
        `  <label for="${id}">${esc(f.label)}</label>`,
        `  <input id="${id}" type="${type}" name="${f.key}"${req}>`,
      );
    }
  }
  lines.push(
    '  <!-- Optional attribution: <input type="hidden" name="utm_campaign" value="spring-flyer"> -->',
  );
  lines.push(`  <button type="submit">${esc(form.submitLabel)}</button>`, '</form>');
  return lines.join('\n');
}
