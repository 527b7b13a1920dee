import { useEffect, useRef, useState } from 'react';
import { renderForm } from '@kindling/widget/render';
import { DEFAULT_THEME, type FormInput, type PublicForm } from '@kindling/shared';
import { Button } from '../../components/button';

/** The builder's state as the widget's form definition (what GET /api/public/forms/:id answers). */
export function toPublicForm(values: FormInput, publicId: string): PublicForm {
  return {
    publicId,
    name: values.name || 'Form',
    submitLabel: values.submitLabel || 'Subscribe',
    successMessage: values.successMessage || "Thanks! You're on the list.",
    redirectUrl: null,
    theme: { ...DEFAULT_THEME, ...(values.theme ?? {}) },
    submitUrl: '#preview',
    fields: (values.fields ?? []).map((f, i) => ({
      key: f.key || `field_${i}`,
      type: f.type,
      label: f.label || f.key || 'Field',
      placeholder: f.placeholder || null,
      required: f.type === 'email' ? true : Boolean(f.required),
      options: (f.options ?? []).filter((o) => o.value),
      minLength:
        typeof f.minLength === 'number' && Number.isFinite(f.minLength) ? f.minLength : null,
      maxLength:
        typeof f.maxLength === 'number' && Number.isFinite(f.maxLength) ? f.maxLength : null,
      pattern: f.pattern || null,
      defaultValue: f.defaultValue || null,
      queryParam: f.queryParam || null,
      consentText: f.consentText || null,
      consentVersion: null,
    })),
  };
}

/**
 * Live preview: the real widget renderer (the same code embed.js runs) in its own shadow root.
 * Submitting validates with the shared schema and shows the success state without sending.
 */
export function FormPreview({ form }: { form: PublicForm }) {
  const host = useRef<HTMLDivElement>(null);
  const [round, setRound] = useState(0);
  const [submitted, setSubmitted] = useState(false);
  const json = JSON.stringify(form);

  useEffect(() => {
    if (!host.current) return;
    setSubmitted(false);
    return renderForm(host.current, JSON.parse(json) as PublicForm, {
      query: new URLSearchParams(),
      submit: () => {
        setSubmitted(true);
        return Promise.resolve({ kind: 'accepted' });
      },
    });
  }, [json, round]);

  return (
    <div className="form-preview" data-testid="form-preview">
      <div className="preview-chrome" aria-hidden="true">
        <span />
        <span />
        <span />
        <div className="preview-url">your-landing-page.com</div>
      </div>
      <div className={`preview-page${form.theme.mode === 'dark' ? ' preview-page-dark' : ''}`}>
        <div className="preview-copy" aria-hidden="true">
          <div className="preview-line preview-line-lg" />
          <div className="preview-line" />
          <div className="preview-line preview-line-short" />
        </div>
        <div ref={host} className="preview-host" />
      </div>
      <div className="preview-footer">
        <span className="muted">
          Live preview. Submitting here checks the fields but sends nothing.
        </span>
        {submitted && (
          <Button size="sm" variant="ghost" onClick={() => setRound((r) => r + 1)}>
            Reset preview
          </Button>
        )}
      </div>
    </div>
  );
}
