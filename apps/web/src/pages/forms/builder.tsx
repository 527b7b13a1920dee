import { useEffect, useState } from 'react';
import { useNavigate, useParams, Link } from 'react-router';
import {
  useFieldArray,
  useForm,
  useWatch,
  type Control,
  type UseFormRegister,
  type FieldErrors,
  type UseFormSetValue,
} from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  FIELD_TYPES,
  DEFAULT_THEME,
  escapeHtml,
  formInputSchema,
  type FieldType,
  type Form,
  type FormInput,
  type FormInputParsed,
  type Submission,
} from '@kindling/shared';
import { api } from '../../api';
import { Badge, Card, PageHeader } from '../../components/layout';
import { Button } from '../../components/button';
import { SelectField, TextAreaField, TextField } from '../../components/field';
import { Alert, ErrorState, LoadingRows } from '../../components/feedback';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyField } from '../../components/copy-field';
import { PlusIcon, XIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { applyServerError } from '../../lib/form';
import { useSession, wsKey } from '../../lib/queries';
import { can } from '../../lib/roles';
import { relativeTime } from '../../lib/format';
import { DARK_THEME, FIELD_TYPE_LABELS, FONTS, newField } from './defaults';
import { FormPreview, toPublicForm } from './preview';
import './forms.css';

type Tab = 'fields' | 'settings' | 'design' | 'embed';
const TABS: { id: Tab; label: string }[] = [
  { id: 'fields', label: 'Fields' },
  { id: 'settings', label: 'Settings' },
  { id: 'design', label: 'Design' },
  { id: 'embed', label: 'Embed & submissions' },
];

function toInput(f: Form): FormInput {
  return {
    name: f.name,
    status: f.status,
    submitLabel: f.submitLabel,
    successMessage: f.successMessage,
    redirectUrl: f.redirectUrl ?? '',
    doubleOptIn: f.doubleOptIn,
    allowedOrigins: f.allowedOrigins,
    theme: f.theme,
    fields: f.fields.map((x) => ({
      key: x.key,
      type: x.type,
      label: x.label,
      placeholder: x.placeholder ?? '',
      required: x.required,
      options: x.options,
      minLength: x.minLength,
      maxLength: x.maxLength,
      pattern: x.pattern ?? '',
      defaultValue: x.defaultValue ?? '',
      queryParam: x.queryParam ?? '',
      consentText: x.consentText ?? '',
    })),
  };
}

const numberOrNull = (v: unknown) => (v === '' || v === null || v === undefined ? null : Number(v));

export function FormBuilderPage() {
  const { id = '' } = useParams();
  const me = useSession();
  const key = wsKey(me.workspace.id, 'forms', id);
  const form = useQuery({ queryKey: key, queryFn: () => api.get<Form>(`/api/forms/${id}`) });
  if (form.isPending) {
    return (
      <>
        <PageHeader title="Form" />
        <section className="card">
          <LoadingRows rows={4} />
        </section>
      </>
    );
  }
  if (form.isError) return <ErrorState error={form.error} onRetry={() => void form.refetch()} />;
  return (
    <Builder
      key={form.data.updatedAt}
      form={form.data}
      manage={can(me.role, 'forms:write')}
      canDelete={can(me.role, 'forms:delete')}
    />
  );
}

function Builder({ form, manage, canDelete }: { form: Form; manage: boolean; canDelete: boolean }) {
  const me = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [tab, setTab] = useState<Tab>('fields');
  const [formError, setFormError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const {
    register,
    control,
    handleSubmit,
    setError,
    setValue,
    reset,
    formState: { errors, isDirty },
  } = useForm<FormInput, unknown, FormInputParsed>({
    resolver: zodResolver(formInputSchema),
    defaultValues: toInput(form),
  });
  const values = useWatch({ control }) as FormInput;

  const save = useMutation({
    mutationFn: (body: FormInputParsed) => api.put<Form>(`/api/forms/${form.id}`, body),
    onSuccess: (saved) => {
      toast.success('Form saved');
      qc.setQueryData(wsKey(me.workspace.id, 'forms', form.id), saved);
      void qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'forms') });
      reset(toInput(saved));
    },
    onError: (err) =>
      setFormError(
        applyServerError(err, setError, [
          'name',
          'fields',
          'redirectUrl',
          'allowedOrigins',
          'submitLabel',
          'successMessage',
        ]),
      ),
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/forms/${form.id}`),
    onSuccess: () => {
      toast.success(`Deleted "${form.name}"`);
      void qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'forms') });
      void navigate('/forms');
    },
    onError: (err) => toast.error(err.message),
  });

  const onSubmit = handleSubmit(
    (body) => {
      setFormError(null);
      save.mutate(body);
    },
    (errs) => {
      setFormError('Some settings need attention; the highlighted tabs show where.');
      if (errs.fields) setTab('fields');
      else if (errs.theme) setTab('design');
      else setTab('settings');
    },
  );

  const tabHasError: Record<Tab, boolean> = {
    fields: Boolean(errors.fields),
    settings: Boolean(
      errors.name ||
      errors.submitLabel ||
      errors.successMessage ||
      errors.redirectUrl ||
      errors.allowedOrigins,
    ),
    design: Boolean(errors.theme),
    embed: false,
  };

  return (
    <form
      noValidate
      onSubmit={(e) => void onSubmit(e)}
      className="builder"
      data-testid="form-builder"
    >
      <PageHeader
        title={values.name || form.name}
        description={
          <>
            <Link to="/forms">Forms</Link> / <code className="code-pill">{form.publicId}</code>{' '}
            <Badge tone={values.status === 'enabled' ? 'success' : 'neutral'}>
              {values.status === 'enabled' ? 'Live' : 'Disabled'}
            </Badge>{' '}
            {form.submissionCount.toLocaleString()} submission
            {form.submissionCount === 1 ? '' : 's'}
          </>
        }
        actions={
          manage ? (
            <>
              {canDelete && (
                <Button variant="ghost" onClick={() => setDeleting(true)}>
                  Delete
                </Button>
              )}
              <Button
                type="submit"
                variant="primary"
                loading={save.isPending}
                disabled={!isDirty && !save.isPending}
                data-testid="form-save"
              >
                {isDirty ? 'Save changes' : 'Saved'}
              </Button>
            </>
          ) : undefined
        }
      />
      {formError && <Alert>{formError}</Alert>}
      <div className="builder-grid">
        <div className="builder-editor">
          <div className="tabs" role="tablist" aria-label="Form sections">
            {TABS.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={tab === t.id}
                className={`tab tab-button${tab === t.id ? ' active' : ''}`}
                onClick={() => setTab(t.id)}
                data-testid={`builder-tab-${t.id}`}
              >
                {t.label}
                {tabHasError[t.id] && <span className="tab-dot" aria-label="has errors" />}
              </button>
            ))}
          </div>
          <fieldset disabled={!manage} className="builder-fieldset">
            <div hidden={tab !== 'fields'}>
              <FieldsEditor
                control={control}
                register={register}
                errors={errors}
                setValue={setValue}
              />
            </div>
            <div hidden={tab !== 'settings'}>
              <SettingsEditor
                control={control}
                register={register}
                errors={errors}
                setValue={setValue}
              />
            </div>
            <div hidden={tab !== 'design'}>
              <DesignEditor
                control={control}
                register={register}
                errors={errors}
                setValue={setValue}
              />
            </div>
          </fieldset>
          <div hidden={tab !== 'embed'}>
            <EmbedPanel form={form} dirty={isDirty} />
          </div>
        </div>
        <aside className="builder-preview" aria-label="Live preview">
          <FormPreview form={toPublicForm(values, form.publicId)} />
        </aside>
      </div>
      <ConfirmDialog
        open={deleting}
        title={`Delete "${form.name}"?`}
        confirmLabel="Delete form"
        tone="danger"
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => setDeleting(false)}
      >
        The embed code stops working and this form&apos;s submissions are deleted. Leads it created
        stay.
      </ConfirmDialog>
    </form>
  );
}

interface EditorProps {
  control: Control<FormInput, unknown, FormInputParsed>;
  register: UseFormRegister<FormInput>;
  errors: FieldErrors<FormInput>;
  setValue: UseFormSetValue<FormInput>;
}

function FieldsEditor({ control, register, errors, setValue }: EditorProps) {
  const { fields, append, remove, move } = useFieldArray({ control, name: 'fields' });
  const values = useWatch({ control, name: 'fields' }) ?? [];
  const [open, setOpen] = useState<string | null>(fields[0]?.id ?? null);
  const [adding, setAdding] = useState<FieldType>('text');
  const rootError = errors.fields?.root?.message ?? errors.fields?.message;

  return (
    <div className="stack-md">
      {rootError && <Alert>{rootError}</Alert>}
      <ol className="field-list">
        {fields.map((f, i) => {
          const v = values[i] ?? f;
          const fe = errors.fields?.[i];
          const isOpen = open === f.id || Boolean(fe);
          return (
            <li
              key={f.id}
              className={`field-card${isOpen ? ' open' : ''}${fe ? ' invalid' : ''}`}
              data-testid="field-card"
            >
              <div className="field-card-head">
                <button
                  type="button"
                  className="field-card-toggle"
                  aria-expanded={isOpen}
                  onClick={() => setOpen(isOpen ? null : f.id)}
                >
                  <span className="field-type-pill">{FIELD_TYPE_LABELS[v.type]}</span>
                  <span className="field-card-label">{v.label || 'Untitled field'}</span>
                  {(v.required || v.type === 'email') && <span className="muted">required</span>}
                  <code className="field-card-key">{v.key}</code>
                </button>
                <div className="field-card-actions">
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Move ${v.label} up`}
                    disabled={i === 0}
                    onClick={() => move(i, i - 1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Move ${v.label} down`}
                    disabled={i === fields.length - 1}
                    onClick={() => move(i, i + 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Remove ${v.label}`}
                    disabled={v.type === 'email'}
                    title={v.type === 'email' ? 'Every form has an email field' : undefined}
                    onClick={() => remove(i)}
                  >
                    <XIcon size={14} />
                  </button>
                </div>
              </div>
              {isOpen && (
                <div className="field-card-body">
                  <div className="grid-2">
                    <TextField
                      label="Label"
                      error={fe?.label?.message}
                      {...register(`fields.${i}.label`)}
                    />
                    <TextField
                      label="Name (key)"
                      className="input-mono"
                      hint="Submitted name and lead attribute"
                      readOnly={v.type === 'email'}
                      error={fe?.key?.message}
                      {...register(`fields.${i}.key`)}
                    />
                  </div>
                  {v.type !== 'hidden' &&
                    v.type !== 'checkbox' &&
                    v.type !== 'consent' &&
                    v.type !== 'radio' && (
                      <TextField
                        label="Placeholder"
                        optional
                        error={fe?.placeholder?.message}
                        {...register(`fields.${i}.placeholder`)}
                      />
                    )}
                  {v.type === 'consent' && (
                    <TextAreaField
                      label="Consent text"
                      rows={3}
                      hint="Stored with every submission. Changing it starts a new version."
                      error={fe?.consentText?.message}
                      {...register(`fields.${i}.consentText`)}
                    />
                  )}
                  {(v.type === 'select' || v.type === 'radio') && (
                    <OptionsEditor
                      value={v.options ?? []}
                      error={fe?.options?.message ?? fe?.options?.root?.message}
                      onChange={(opts) =>
                        setValue(`fields.${i}.options`, opts, {
                          shouldDirty: true,
                          shouldValidate: false,
                        })
                      }
                    />
                  )}
                  {v.type === 'hidden' && (
                    <div className="grid-2">
                      <TextField
                        label="Default value"
                        optional
                        error={fe?.defaultValue?.message}
                        {...register(`fields.${i}.defaultValue`)}
                      />
                      <TextField
                        label="From URL parameter"
                        optional
                        className="input-mono"
                        hint="e.g. ref reads ?ref=… from the page URL"
                        error={fe?.queryParam?.message}
                        {...register(`fields.${i}.queryParam`)}
                      />
                    </div>
                  )}
                  {(v.type === 'text' || v.type === 'textarea' || v.type === 'phone') && (
                    <div className="grid-3">
                      <TextField
                        label="Min length"
                        type="number"
                        min={0}
                        optional
                        error={fe?.minLength?.message}
                        {...register(`fields.${i}.minLength`, { setValueAs: numberOrNull })}
                      />
                      <TextField
                        label="Max length"
                        type="number"
                        min={1}
                        optional
                        error={fe?.maxLength?.message}
                        {...register(`fields.${i}.maxLength`, { setValueAs: numberOrNull })}
                      />
                      <TextField
                        label="Pattern (regex)"
                        optional
                        className="input-mono"
                        placeholder="[A-Z]{2}\d+"
                        error={fe?.pattern?.message}
                        {...register(`fields.${i}.pattern`)}
                      />
                    </div>
                  )}
                  {v.type !== 'email' && v.type !== 'hidden' && (
                    <label className="check-row">
                      <input type="checkbox" {...register(`fields.${i}.required`)} /> Required
                    </label>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      <div className="add-field">
        <SelectField
          label="Add a field"
          value={adding}
          onChange={(e) => setAdding(e.target.value as FieldType)}
          data-testid="add-field-type"
        >
          {FIELD_TYPES.filter((t) => t !== 'email').map((t) => (
            <option key={t} value={t}>
              {FIELD_TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
        <Button
          icon={<PlusIcon size={16} />}
          onClick={() => {
            const field = newField(
              adding,
              values.map((x) => x.key),
            );
            append(field);
          }}
          data-testid="add-field"
        >
          Add field
        </Button>
      </div>
    </div>
  );
}

function parse(t: string): { value: string; label: string }[] {
  return t
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [v, ...rest] = l.split('|');
      const val = v!.trim();
      return { value: val, label: rest.join('|').trim() || val };
    });
}

/** Choices as "value | Label" lines, edited as text. */
function OptionsEditor({
  value,
  onChange,
  error,
}: {
  value: { value: string; label: string }[];
  onChange: (v: { value: string; label: string }[]) => void;
  error?: string | undefined;
}) {
  const toText = (opts: typeof value) =>
    opts.map((o) => (o.value === o.label ? o.value : `${o.value} | ${o.label}`)).join('\n');
  const [text, setText] = useState(toText(value));
  const serialized = JSON.stringify(value);
  // Follow outside changes (reset after save) without clobbering what is being typed.
  useEffect(
    () => setText((t) => (JSON.stringify(parse(t)) === serialized ? t : toText(value))),
    [serialized],
  );
  const apply = (t: string) => onChange(parse(t));
  return (
    <TextAreaField
      label="Options"
      rows={4}
      className="input-mono"
      hint="One per line: value | Label (the label is optional)"
      error={error}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        apply(e.target.value);
      }}
    />
  );
}

function SettingsEditor({ control, register, errors, setValue }: EditorProps) {
  const origins = useWatch({ control, name: 'allowedOrigins' }) ?? [];
  const [originsText, setOriginsText] = useState(origins.join('\n'));
  const originErrors = errors.allowedOrigins as
    ({ message?: string } & Partial<Record<number, { message?: string }>>) | undefined;
  const originError: string | undefined =
    originErrors?.message ??
    Object.values(originErrors ?? {}).find(
      (e): e is { message: string } => typeof e === 'object' && e !== null && 'message' in e,
    )?.message;
  return (
    <div className="stack-md">
      <Card title="Basics">
        <div className="form-stack">
          <TextField
            label="Form name"
            hint="Only you see this."
            error={errors.name?.message}
            {...register('name')}
            data-testid="form-name"
          />
          <div className="grid-2">
            <TextField
              label="Button label"
              error={errors.submitLabel?.message}
              {...register('submitLabel')}
              data-testid="form-submit-label"
            />
            <SelectField label="Status" {...register('status')}>
              <option value="enabled">Live: accepting submissions</option>
              <option value="disabled">Disabled: embed shows nothing</option>
            </SelectField>
          </div>
        </div>
      </Card>
      <Card title="After submitting">
        <div className="form-stack">
          <TextAreaField
            label="Success message"
            rows={2}
            error={errors.successMessage?.message}
            {...register('successMessage')}
          />
          <TextField
            label="Redirect URL"
            optional
            placeholder="https://example.com/thank-you"
            hint="Send people to your own page instead of showing the message."
            error={errors.redirectUrl?.message}
            {...register('redirectUrl')}
          />
          <label className="check-row">
            <input type="checkbox" {...register('doubleOptIn')} data-testid="form-double-opt-in" />
            <span>
              <strong>Double opt-in.</strong> Email a confirmation link first; campaigns start only
              after the lead confirms.
            </span>
          </label>
        </div>
      </Card>
      <Card title="Where it may be embedded">
        <TextAreaField
          label="Allowed origins"
          optional
          rows={3}
          className="input-mono"
          placeholder={'https://example.com\nhttps://www.example.com'}
          hint="One per line. Leave empty to accept submissions from any site."
          error={originError}
          value={originsText}
          onChange={(e) => setOriginsText(e.target.value)}
          onBlur={() =>
            setValue(
              'allowedOrigins',
              originsText
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean),
              { shouldDirty: true },
            )
          }
        />
      </Card>
    </div>
  );
}

function DesignEditor({ control, register, errors, setValue }: EditorProps) {
  const theme = { ...DEFAULT_THEME, ...(useWatch({ control, name: 'theme' }) ?? {}) };
  const setMode = (mode: 'light' | 'dark') => {
    setValue('theme.mode', mode, { shouldDirty: true });
    // Swap the page colours too, unless they were customised.
    if (mode === 'dark' && theme.background === DEFAULT_THEME.background) {
      setValue('theme.background', DARK_THEME.background, { shouldDirty: true });
      setValue('theme.text', DARK_THEME.text, { shouldDirty: true });
    }
    if (mode === 'light' && theme.background === DARK_THEME.background) {
      setValue('theme.background', DEFAULT_THEME.background, { shouldDirty: true });
      setValue('theme.text', DEFAULT_THEME.text, { shouldDirty: true });
    }
  };
  const colour = (name: 'primary' | 'background' | 'text', label: string) => (
    <div className="colour-field">
      <label className="field-label" htmlFor={`theme-${name}`}>
        {label}
      </label>
      <div className="colour-row">
        <input
          type="color"
          aria-label={`${label} picker`}
          value={theme[name]}
          onChange={(e) => setValue(`theme.${name}`, e.target.value, { shouldDirty: true })}
        />
        <input id={`theme-${name}`} className="input input-mono" {...register(`theme.${name}`)} />
      </div>
      {errors.theme?.[name] && <p className="field-error">{errors.theme[name]?.message}</p>}
    </div>
  );
  return (
    <Card title="Look and feel" description="The preview on the right updates as you change these.">
      <div className="form-stack">
        <div className="field">
          <span className="field-label">Mode</span>
          <div className="segmented" role="radiogroup" aria-label="Mode">
            {(['light', 'dark'] as const).map((m) => (
              <button
                key={m}
                type="button"
                role="radio"
                aria-checked={theme.mode === m}
                className={theme.mode === m ? 'on' : ''}
                onClick={() => setMode(m)}
              >
                {m === 'light' ? 'Light' : 'Dark'}
              </button>
            ))}
          </div>
        </div>
        <div className="grid-3">
          {colour('primary', 'Accent')}
          {colour('background', 'Background')}
          {colour('text', 'Text')}
        </div>
        <div className="grid-2">
          <SelectField label="Font" {...register('theme.font')}>
            {FONTS.map((f) => (
              <option key={f.label} value={f.value}>
                {f.label}
              </option>
            ))}
          </SelectField>
          <div className="field">
            <label className="field-label" htmlFor="theme-radius">
              Corner radius: {theme.radius}px
            </label>
            <input
              id="theme-radius"
              type="range"
              min={0}
              max={24}
              className="range"
              {...register('theme.radius', { valueAsNumber: true })}
            />
          </div>
        </div>
      </div>
    </Card>
  );
}

function noJsSnippet(form: Form, origin: string): string {
  const action = `${origin}/api/public/forms/${form.publicId}/submissions`;
  const lines = [`<form method="post" action="${action}">`];
  for (const f of form.fields) {
    const req = f.required || f.type === 'email' ? ' required' : '';
    const id = `kl-${f.key}`;
    if (f.type === 'hidden') {
      lines.push(
        `  <input type="hidden" name="${f.key}" value="${escapeHtml(f.defaultValue ?? '')}">`,
      );
    } else if (f.type === 'checkbox' || f.type === 'consent') {
      lines.push(
        `  <label><input type="checkbox" name="${f.key}" value="true"${req}> ${escapeHtml(f.consentText ?? f.label)}</label>`,
      );
    } else if (f.type === 'select' || f.type === 'radio') {
      lines.push(
        `  <label for="${id}">${escapeHtml(f.label)}</label>`,
        `  <select id="${id}" name="${f.key}"${req}>`,
        '    <option value="">Choose…</option>',
      );
      for (const o of f.options)
        lines.push(`    <option value="${escapeHtml(o.value)}">${escapeHtml(o.label)}</option>`);
      lines.push('  </select>');
    } else if (f.type === 'textarea') {
      lines.push(
        `  <label for="${id}">${escapeHtml(f.label)}</label>`,
        `  <textarea id="${id}" name="${f.key}"${req}></textarea>`,
      );
    } else {
      const type = f.type === 'phone' ? 'tel' : f.type === 'number' ? 'number' : f.type;
      lines.push(
        `  <label for="${id}">${escapeHtml(f.label)}</label>`,
        `  <input id="${id}" type="${type}" name="${f.key}"${req}>`,
      );
    }
  }
  lines.push(
    '  <!-- Optional attribution: <input type="hidden" name="utm_campaign" value="spring-flyer"> -->',
  );
  lines.push(`  <button type="submit">${escapeHtml(form.submitLabel)}</button>`, '</form>');
  return lines.join('\n');
}

function EmbedPanel({ form, dirty }: { form: Form; dirty: boolean }) {
  const me = useSession();
  const origin = window.location.origin;
  const embed = `<script src="${origin}/embed.js" data-form="${form.publicId}" async></script>`;
  const html = noJsSnippet(form, origin);
  const toast = useToast();
  const submissions = useQuery({
    queryKey: wsKey(me.workspace.id, 'forms', form.id, 'submissions'),
    queryFn: () => api.get<Submission[]>(`/api/forms/${form.id}/submissions?limit=20`),
  });
  return (
    <div className="stack-md">
      {dirty && (
        <Alert tone="info">Save your changes first: the snippets use the saved form.</Alert>
      )}
      <Card
        title="Embed with one script tag"
        description="Paste it where the form should appear. Several forms per page work."
      >
        <CopyField value={embed} label="Embed snippet" testId="embed-snippet" />
      </Card>
      <Card
        title="Plain HTML (works without JavaScript)"
        description="Style it yourself; people get your redirect URL or a hosted thank-you page."
      >
        <pre className="code-block" data-testid="nojs-snippet">
          {html}
        </pre>
        <div className="reveal-actions">
          <Button
            size="sm"
            onClick={() =>
              void navigator.clipboard.writeText(html).then(
                () => toast.success('HTML copied'),
                () => toast.error('Copy failed: select the code and copy it by hand'),
              )
            }
          >
            Copy HTML
          </Button>
        </div>
      </Card>
      <Card title="Latest submissions" flush>
        {submissions.isPending && <LoadingRows rows={2} />}
        {submissions.isError && <ErrorState error={submissions.error} />}
        {submissions.data?.length === 0 && (
          <p className="muted empty-note">No submissions yet. Try the embed code on a page.</p>
        )}
        {submissions.data && submissions.data.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Source</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {submissions.data.map((s) => (
                  <tr key={s.id} className={s.isSpam ? 'row-muted' : undefined}>
                    <td>
                      {s.email ?? (typeof s.data.email === 'string' ? s.data.email : '—')}{' '}
                      {s.isSpam && <Badge tone="warning">spam: {s.spamReason}</Badge>}
                    </td>
                    <td className="muted">
                      {[s.utm.utm_source, s.utm.utm_campaign].filter(Boolean).join(' / ') ||
                        'direct'}
                    </td>
                    <td className="muted">{relativeTime(s.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
