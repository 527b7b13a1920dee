import { useEffect, useMemo, useRef, useState } from 'react';
import {
  useFieldArray,
  useForm,
  useWatch,
  type Control,
  type UseFormRegister,
  type UseFormSetValue,
  type UseFormGetValues,
  type FieldErrors,
} from 'react-hook-form';
import { useNavigate, useParams, Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BUILTIN_MERGE_TAGS, htmlToText, validateMergeTags } from '@kindling/shared';
import { api, ApiError } from '../../api';
import { PageHeader, Badge } from '../../components/layout';
import { Button } from '../../components/button';
import { Alert, ErrorState, LoadingRows } from '../../components/feedback';
import { useToast } from '../../components/toast';
import { wsKey, useSession } from '../../lib/queries';
import { can } from '../../lib/roles';
import { HtmlEditor } from './html-editor';
import {
  WEEKDAYS,
  emptyCampaign,
  newStep,
  toForm,
  toInput,
  type CampaignForm,
  type CampaignView,
  type StepForm,
  type StepType,
} from './model';
import './campaigns.css';

export interface CampaignOptions {
  forms: { id: string; name: string; status: string }[];
  identities: { id: string; name: string; fromName: string; fromEmail: string; status: string }[];
  customFields: string[];
  builtinTags: string[];
}

type Problem = { field: string; issue: string };

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Create (/campaigns/new) or edit (/campaigns/:id/edit) a campaign. */
export function CampaignBuilderPage() {
  const { id } = useParams();
  const me = useSession();
  const options = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaign-options'),
    queryFn: () => api.get<CampaignOptions>('/api/campaigns/options'),
  });
  const campaign = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaign', id ?? 'new'),
    queryFn: () => api.get<CampaignView>(`/api/campaigns/${id}`),
    enabled: !!id,
  });
  const title = id
    ? campaign.data
      ? `Edit “${campaign.data.name}”`
      : 'Edit campaign'
    : 'New campaign';
  if (options.error || campaign.error) {
    return (
      <>
        <PageHeader title={title} />
        <ErrorState
          error={options.error ?? campaign.error}
          onRetry={() => void (options.refetch(), campaign.refetch())}
        />
      </>
    );
  }
  if (!options.data || (id && !campaign.data)) {
    return (
      <>
        <PageHeader title={title} />
        <LoadingRows rows={6} />
      </>
    );
  }
  return (
    <BuilderForm
      key={id ?? 'new'}
      options={options.data}
      campaign={campaign.data ?? null}
      title={title}
    />
  );
}

function BuilderForm({
  options,
  campaign,
  title,
}: {
  options: CampaignOptions;
  campaign: CampaignView | null;
  title: string;
}) {
  const me = useSession();
  const navigate = useNavigate();
  const toast = useToast();
  const qc = useQueryClient();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const problemsRef = useRef<HTMLDivElement>(null);
  const knownTags = useMemo(() => [...options.customFields], [options.customFields]);
  const allTags = useMemo(
    () => [...BUILTIN_MERGE_TAGS, ...options.customFields],
    [options.customFields],
  );

  const initial = useMemo(() => {
    if (campaign) return toForm(campaign);
    const f = emptyCampaign();
    if (options.identities[0]) f.identityId = options.identities[0].id;
    if (options.forms[0])
      f.triggers = [{ type: 'form_submission', formId: options.forms[0].id, tag: '' }];
    f.steps = f.steps.map((s) => ({ ...s, text: htmlToText(s.html) }));
    return f;
  }, [campaign, options]);

  const form = useForm<CampaignForm>({ defaultValues: initial, mode: 'onBlur' });
  const { register, control, handleSubmit, setValue, formState } = form;
  const triggers = useFieldArray({ control, name: 'triggers' });
  const steps = useFieldArray({ control, name: 'steps', keyName: 'key' });
  const windowEnabled = useWatch({ control, name: 'windowEnabled' });
  const status = campaign?.status ?? 'draft';

  const save = useMutation({
    mutationFn: async ({ values, activate }: { values: CampaignForm; activate: boolean }) => {
      const body = toInput(values);
      const saved = campaign
        ? await api.put<CampaignView>(`/api/campaigns/${campaign.id}`, body)
        : await api.post<CampaignView>('/api/campaigns', body);
      if (activate) {
        try {
          await api.post(`/api/campaigns/${saved.id}/activate`);
        } catch (err) {
          return { saved, activationError: err };
        }
      }
      return { saved, activationError: null as unknown };
    },
    onSuccess: async ({ saved, activationError }, { activate }) => {
      await qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'campaigns') });
      await qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'campaign', saved.id) });
      if (activationError) {
        const details = activationError instanceof ApiError ? activationError.details : [];
        setProblems(details);
        setFormError(
          activationError instanceof ApiError ? activationError.message : 'Activation failed',
        );
        toast.info('Saved as a draft; fix the problems listed to activate.');
        if (!campaign) void navigate(`/campaigns/${saved.id}/edit`, { replace: true });
        setTimeout(() => problemsRef.current?.scrollIntoView({ block: 'start' }), 0);
        return;
      }
      toast.success(activate ? 'Campaign is live.' : 'Campaign saved.');
      void navigate(`/campaigns/${saved.id}`);
    },
    onError: (err) => {
      setProblems(err instanceof ApiError ? err.details : []);
      setFormError(err instanceof ApiError ? err.message : 'Could not save the campaign');
      setTimeout(() => problemsRef.current?.scrollIntoView({ block: 'start' }), 0);
    },
  });

  const submit = (activate: boolean) =>
    handleSubmit(
      (values) => {
        setProblems([]);
        setFormError(null);
        save.mutate({ values, activate });
      },
      () => {
        setFormError('Some fields need attention (marked in red).');
      },
    );

  const stepList = useWatch({ control, name: 'steps' });

  return (
    <form
      className="builder"
      onSubmit={(e) => e.preventDefault()}
      noValidate
      data-testid="campaign-builder"
    >
      <PageHeader
        title={title}
        description={
          <>
            Status:{' '}
            <Badge
              tone={status === 'active' ? 'success' : status === 'paused' ? 'warning' : 'neutral'}
            >
              {status}
            </Badge>
          </>
        }
        actions={
          <>
            {campaign && (
              <Link className="btn btn-ghost" to={`/campaigns/${campaign.id}`}>
                Cancel
              </Link>
            )}
            {can(me.role, 'campaigns:write') && (
              <Button
                variant={status === 'draft' ? 'secondary' : 'primary'}
                loading={save.isPending && !save.variables?.activate}
                onClick={submit(false)}
                data-testid="campaign-save"
              >
                {status === 'draft' ? 'Save draft' : 'Save changes'}
              </Button>
            )}
            {can(me.role, 'campaigns:send') && status !== 'active' && status !== 'archived' && (
              <Button
                variant="primary"
                loading={save.isPending && save.variables?.activate}
                onClick={submit(true)}
                data-testid="campaign-activate"
              >
                {status === 'paused' ? 'Save and resume' : 'Save and activate'}
              </Button>
            )}
          </>
        }
      />

      <div ref={problemsRef}>
        {formError && (
          <Alert tone="danger" title={formError}>
            {problems.length > 0 && (
              <ul className="problem-list" data-testid="campaign-problems">
                {problems.map((p, i) => (
                  <li key={i}>{p.issue}</li>
                ))}
              </ul>
            )}
          </Alert>
        )}
      </div>

      {status !== 'draft' && (
        <Alert tone="info" title="Editing a live campaign">
          <EditingRules />
        </Alert>
      )}

      <div className="builder-grid">
        <div className="builder-main">
          <section className="card">
            <div className="card-body form-stack">
              <div className="field">
                <label className="field-label" htmlFor="c-name">
                  Campaign name
                </label>
                <input
                  id="c-name"
                  className="input"
                  placeholder="Welcome series"
                  {...register('name', { required: 'Name the campaign' })}
                  aria-invalid={!!formState.errors.name || undefined}
                />
                {formState.errors.name && (
                  <p className="field-error">{formState.errors.name.message}</p>
                )}
              </div>
            </div>
          </section>

          <h2 className="builder-section-title">Steps</h2>
          <ol className="step-list" data-testid="steps">
            {steps.fields.map((field, index) => (
              <li key={field.key} className="step-card" data-testid={`step-${index}`}>
                <StepCard
                  index={index}
                  count={steps.fields.length}
                  control={control}
                  register={register}
                  setValue={setValue}
                  getValues={form.getValues}
                  errors={formState.errors}
                  allSteps={stepList}
                  knownTags={knownTags}
                  allTags={allTags}
                  customFields={options.customFields}
                  campaignId={campaign?.id ?? null}
                  onMove={(to) => steps.move(index, to)}
                  onRemove={() => steps.remove(index)}
                />
              </li>
            ))}
          </ol>
          <div className="step-add" role="group" aria-label="Add a step">
            <span className="muted">Add a step:</span>
            {(['email', 'wait', 'condition'] as StepType[]).map((t) => (
              <Button
                key={t}
                size="sm"
                onClick={() =>
                  steps.append({
                    ...newStep(t, steps.fields.length),
                    text: t === 'email' ? '' : '',
                  })
                }
                data-testid={`add-${t}`}
              >
                + {t === 'email' ? 'Email' : t === 'wait' ? 'Wait' : 'Condition'}
              </Button>
            ))}
          </div>
        </div>

        <aside className="builder-side">
          <section className="card">
            <div className="card-header">
              <h2 className="card-title">Sending</h2>
            </div>
            <div className="card-body form-stack">
              <div className="field">
                <label className="field-label" htmlFor="c-identity">
                  From (sending identity)
                </label>
                <select id="c-identity" className="input select" {...register('identityId')}>
                  <option value="">Choose…</option>
                  {options.identities.map((i) => (
                    <option key={i.id} value={i.id}>
                      {i.fromName} &lt;{i.fromEmail}&gt;
                    </option>
                  ))}
                </select>
                {options.identities.length === 0 && (
                  <p className="field-hint">
                    No identity yet: <Link to="/sending">set up sending</Link>.
                  </p>
                )}
              </div>
              <label className="check">
                <input type="checkbox" {...register('trackOpens')} /> Track opens
              </label>
              <label className="check">
                <input type="checkbox" {...register('trackClicks')} /> Track clicks
              </label>
            </div>
          </section>

          <section className="card">
            <div className="card-header">
              <h2 className="card-title">Triggers</h2>
            </div>
            <div className="card-body form-stack">
              {triggers.fields.map((t, i) => (
                <TriggerRow
                  key={t.id}
                  index={i}
                  control={control}
                  register={register}
                  forms={options.forms}
                  onRemove={() => triggers.remove(i)}
                />
              ))}
              <Button
                size="sm"
                onClick={() => triggers.append({ type: 'manual', formId: '', tag: '' })}
                data-testid="add-trigger"
              >
                + Add trigger
              </Button>
              <p className="field-hint">
                Every trigger enrolls through the same rules: active leads only, once at a time.
              </p>
            </div>
          </section>

          <section className="card">
            <div className="card-header">
              <h2 className="card-title">Send window</h2>
            </div>
            <div className="card-body form-stack">
              <label className="check">
                <input
                  type="checkbox"
                  {...register('windowEnabled')}
                  data-testid="window-enabled"
                />{' '}
                Only send on chosen days and hours
              </label>
              {windowEnabled && (
                <>
                  <div className="day-picker" role="group" aria-label="Days">
                    {WEEKDAYS.map((d, i) => (
                      <label key={d} className="day-chip">
                        <input
                          type="checkbox"
                          value={String(i + 1)}
                          {...register('windowDays', {
                            validate: (v) => v.length > 0 || 'Pick at least one day',
                          })}
                        />
                        <span>{d}</span>
                      </label>
                    ))}
                  </div>
                  {formState.errors.windowDays && (
                    <p className="field-error">{formState.errors.windowDays.message}</p>
                  )}
                  <div className="inline-pair">
                    <label className="field-label" htmlFor="w-start">
                      From
                    </label>
                    <select
                      id="w-start"
                      className="input select input-sm"
                      {...register('windowStart', { valueAsNumber: true })}
                    >
                      {HOURS.map((h) => (
                        <option key={h} value={h}>
                          {hourLabel(h)}
                        </option>
                      ))}
                    </select>
                    <label className="field-label" htmlFor="w-end">
                      to
                    </label>
                    <select
                      id="w-end"
                      className="input select input-sm"
                      {...register('windowEnd', {
                        valueAsNumber: true,
                        validate: (v, all) => v > all.windowStart || 'Must end after it starts',
                      })}
                    >
                      {HOURS.map((h) => (
                        <option key={h + 1} value={h + 1}>
                          {hourLabel((h + 1) % 24)}
                          {h + 1 === 24 ? ' (midnight)' : ''}
                        </option>
                      ))}
                    </select>
                  </div>
                  {formState.errors.windowEnd && (
                    <p className="field-error">{formState.errors.windowEnd.message}</p>
                  )}
                  <p className="field-hint">
                    In the lead’s time zone when known, else the workspace’s (
                    {me.workspace.timeZone}). A step due outside the window waits for its next
                    opening.
                  </p>
                </>
              )}
            </div>
          </section>

          <section className="card">
            <div className="card-header">
              <h2 className="card-title">Exit and re-entry</h2>
            </div>
            <div className="card-body form-stack">
              <p className="field-hint">
                Leads always leave when they unsubscribe, bounce, complain or are suppressed.
              </p>
              <div className="field">
                <label className="field-label" htmlFor="c-goal-tag">
                  Goal tag <span className="field-optional">Optional</span>
                </label>
                <input
                  id="c-goal-tag"
                  className="input"
                  placeholder="customer"
                  {...register('goalTag')}
                />
                <p className="field-hint">Leave the campaign when this tag is added.</p>
              </div>
              <div className="field">
                <label className="field-label" htmlFor="c-goal-url">
                  Goal link <span className="field-optional">Optional</span>
                </label>
                <input
                  id="c-goal-url"
                  className="input"
                  placeholder="https://example.com/pricing"
                  {...register('goalUrl')}
                />
                <p className="field-hint">
                  Leave when the lead clicks a link starting with this URL (human clicks only).
                </p>
              </div>
              <label className="check">
                <input type="checkbox" {...register('allowReenroll')} /> A lead who finished may be
                enrolled again
              </label>
            </div>
          </section>

          {status === 'draft' && (
            <section className="card">
              <div className="card-header">
                <h2 className="card-title">Editing after launch</h2>
              </div>
              <div className="card-body">
                <EditingRules />
              </div>
            </section>
          )}
        </aside>
      </div>
    </form>
  );
}

/** The rules for changing a live campaign (also in docs/campaigns.md). */
export function EditingRules() {
  return (
    <ul className="rules">
      <li>
        A changed step applies to every lead that has not reached it yet; sent emails stay as sent.
      </li>
      <li>A removed step is skipped: leads waiting on it move on to the next step right away.</li>
      <li>A new step applies to leads that have not passed its position.</li>
      <li>
        Changing a wait affects leads who start that wait afterwards, not those already waiting.
      </li>
      <li>
        A live campaign must stay valid: a save that would break it is refused and nothing changes.
      </li>
    </ul>
  );
}

function TriggerRow({
  index,
  control,
  register,
  forms,
  onRemove,
}: {
  index: number;
  control: Control<CampaignForm>;
  register: UseFormRegister<CampaignForm>;
  forms: CampaignOptions['forms'];
  onRemove: () => void;
}) {
  const type = useWatch({ control, name: `triggers.${index}.type` });
  return (
    <div className="trigger-row" data-testid={`trigger-${index}`}>
      <select
        className="input select input-sm"
        aria-label="Trigger type"
        {...register(`triggers.${index}.type`)}
      >
        <option value="form_submission">Submits a form</option>
        <option value="tag_added">Gets a tag</option>
        <option value="manual">Added by hand</option>
        <option value="api">Added through the API</option>
        <option value="csv_import">Imported from CSV</option>
      </select>
      {type === 'form_submission' && (
        <select
          className="input select input-sm"
          aria-label="Form"
          {...register(`triggers.${index}.formId`, {
            validate: (v, all) =>
              all.triggers[index]?.type !== 'form_submission' || !!v || 'Pick a form',
          })}
        >
          <option value="">Choose a form…</option>
          {forms.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      )}
      {type === 'tag_added' && (
        <input
          className="input input-sm"
          placeholder="tag"
          aria-label="Tag"
          {...register(`triggers.${index}.tag`, {
            validate: (v, all) =>
              all.triggers[index]?.type !== 'tag_added' || !!v.trim() || 'Name the tag',
          })}
        />
      )}
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        aria-label="Remove trigger"
        onClick={onRemove}
      >
        ×
      </button>
    </div>
  );
}

function StepCard(props: {
  index: number;
  count: number;
  control: Control<CampaignForm>;
  register: UseFormRegister<CampaignForm>;
  setValue: UseFormSetValue<CampaignForm>;
  getValues: UseFormGetValues<CampaignForm>;
  errors: FieldErrors<CampaignForm>;
  allSteps: StepForm[];
  knownTags: string[];
  allTags: string[];
  customFields: string[];
  campaignId: string | null;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const { index, count, control, register, allSteps } = props;
  const type = useWatch({ control, name: `steps.${index}.type` });
  const label = type === 'email' ? 'Email' : type === 'wait' ? 'Wait' : 'Condition';
  const emailNumber = allSteps.slice(0, index + 1).filter((s) => s.type === 'email').length;
  return (
    <>
      <div className="step-head">
        <span className={`step-badge step-badge-${type}`}>{index + 1}</span>
        <strong>
          {label}
          {type === 'email' ? ` ${emailNumber}` : ''}
        </strong>
        <span className="rte-spacer" />
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={index === 0}
          onClick={() => props.onMove(index - 1)}
          aria-label="Move up"
        >
          ↑
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={index === count - 1}
          onClick={() => props.onMove(index + 1)}
          aria-label="Move down"
        >
          ↓
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm btn-danger-text"
          onClick={props.onRemove}
          aria-label={`Remove step ${index + 1}`}
        >
          Remove
        </button>
      </div>
      <input type="hidden" {...register(`steps.${index}.id`)} />
      {type === 'email' && <EmailStep {...props} />}
      {type === 'wait' && <WaitStep {...props} />}
      {type === 'condition' && <ConditionStep {...props} />}
    </>
  );
}

function EmailStep({
  index,
  control,
  register,
  setValue,
  getValues,
  errors,
  knownTags,
  allTags,
  campaignId,
}: Parameters<typeof StepCard>[0]) {
  const html = useWatch({ control, name: `steps.${index}.html` });
  const textEdited = useWatch({ control, name: `steps.${index}.textEdited` });
  const stepId = useWatch({ control, name: `steps.${index}.id` });
  const stepErrors = errors.steps?.[index];
  const tagRule = (v: string) => validateMergeTags(v, knownTags)[0] ?? true;
  const [preview, setPreview] = useState<{
    subject: string;
    html: string;
    lead: { email: string };
  } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'test' | null>(null);
  const toast = useToast();

  // The plain-text part follows the HTML until someone edits it by hand.
  useEffect(() => {
    if (!textEdited) setValue(`steps.${index}.text`, htmlToText(html));
  }, [html, textEdited, index, setValue]);

  const htmlProblem = validateMergeTags(html, knownTags)[0];
  const current = () => {
    const s = getValues(`steps.${index}`);
    return { subject: s.subject, preheader: s.preheader, html: s.html, text: s.text };
  };
  const runPreview = async () => {
    if (!campaignId) return;
    setBusy('preview');
    try {
      setPreview(await api.post(`/api/campaigns/${campaignId}/preview`, { config: current() }));
    } catch (err) {
      toast.error(err instanceof Error ? err.message : 'Preview failed');
    } finally {
      setBusy(null);
    }
  };
  const sendTest = async () => {
    if (!campaignId) return;
    setBusy('test');
    try {
      const r = await api.post<{ to: string }>(`/api/campaigns/${campaignId}/test-send`, {
        config: current(),
        stepId,
      });
      toast.success(`Test sent to ${r.to}`);
    } catch (err) {
      toast.error(err instanceof Error ? err.message : 'Test send failed');
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="form-stack">
      <div className={`field${stepErrors?.subject ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor={`s${index}-subject`}>
          Subject
        </label>
        <input
          id={`s${index}-subject`}
          className="input"
          data-testid={`step-${index}-subject`}
          {...register(`steps.${index}.subject`, {
            validate: { filled: (v) => !!v.trim() || 'Write a subject', tags: tagRule },
          })}
          aria-invalid={!!stepErrors?.subject || undefined}
        />
        {stepErrors?.subject && <p className="field-error">{stepErrors.subject.message}</p>}
      </div>
      <div className={`field${stepErrors?.preheader ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor={`s${index}-preheader`}>
          Preheader <span className="field-optional">Optional</span>
        </label>
        <input
          id={`s${index}-preheader`}
          className="input"
          placeholder="The line inboxes show after the subject"
          {...register(`steps.${index}.preheader`, { validate: tagRule })}
        />
        {stepErrors?.preheader && <p className="field-error">{stepErrors.preheader.message}</p>}
      </div>
      <div className={`field${stepErrors?.html || htmlProblem ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor={`s${index}-html`}>
          Body
        </label>
        <input
          type="hidden"
          {...register(`steps.${index}.html`, {
            validate: {
              filled: (v) => !!v.replace(/<[^>]*>/g, '').trim() || 'Write the email',
              tags: tagRule,
            },
          })}
        />
        <HtmlEditor
          id={`s${index}-html`}
          value={html}
          mergeTags={allTags}
          invalid={!!(stepErrors?.html || htmlProblem)}
          onChange={(v) => setValue(`steps.${index}.html`, v, { shouldDirty: true })}
        />
        {(stepErrors?.html?.message || htmlProblem) && (
          <p className="field-error" data-testid={`step-${index}-html-error`}>
            {stepErrors?.html?.message ?? htmlProblem}
          </p>
        )}
        <p className="field-hint">
          Merge tags: <code>{'{{first_name | default: "there"}}'}</code>, <code>{'{{email}}'}</code>
          {knownTags.length > 0 && (
            <>
              {' '}
              and custom fields such as <code>{`{{${knownTags[0]}}}`}</code>
            </>
          )}
          . Values are escaped; an unknown tag blocks activation.
        </p>
      </div>
      <div className={`field${stepErrors?.text ? ' field-invalid' : ''}`}>
        <div className="field-label-row">
          <label className="field-label" htmlFor={`s${index}-text`}>
            Plain-text part
          </label>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setValue(`steps.${index}.textEdited`, false);
              setValue(`steps.${index}.text`, htmlToText(html));
            }}
          >
            {textEdited ? 'Regenerate from HTML' : 'Generated from HTML'}
          </button>
        </div>
        <textarea
          id={`s${index}-text`}
          className="input textarea input-mono"
          rows={5}
          {...register(`steps.${index}.text`, {
            validate: tagRule,
            onChange: () => setValue(`steps.${index}.textEdited`, true),
          })}
        />
        {stepErrors?.text && <p className="field-error">{stepErrors.text.message}</p>}
      </div>
      <div className="step-actions">
        <Button
          size="sm"
          onClick={() => void runPreview()}
          loading={busy === 'preview'}
          disabled={!campaignId}
          title={campaignId ? undefined : 'Save the campaign first'}
        >
          Preview with a real lead
        </Button>
        <Button
          size="sm"
          onClick={() => void sendTest()}
          loading={busy === 'test'}
          disabled={!campaignId}
          title={campaignId ? undefined : 'Save the campaign first'}
        >
          Send me a test
        </Button>
        {!campaignId && <span className="muted">Save the draft to preview and test.</span>}
      </div>
      {preview && (
        <div className="preview" data-testid={`step-${index}-preview`}>
          <div className="preview-head">
            <span>
              <strong>{preview.subject}</strong>
            </span>
            <span className="muted">as {preview.lead.email}</span>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setPreview(null)}>
              Close
            </button>
          </div>
          <iframe
            title="Email preview"
            sandbox=""
            srcDoc={preview.html}
            className="preview-frame"
          />
        </div>
      )}
    </div>
  );
}

function WaitStep({ index, control, register }: Parameters<typeof StepCard>[0]) {
  const mode = useWatch({ control, name: `steps.${index}.waitMode` });
  return (
    <div className="inline-pair">
      <select
        className="input select input-sm"
        aria-label="Wait mode"
        {...register(`steps.${index}.waitMode`)}
      >
        <option value="duration">Wait for</option>
        <option value="until">Wait until</option>
      </select>
      {mode === 'duration' ? (
        <>
          <input
            type="number"
            min={1}
            className="input input-sm wait-amount"
            aria-label="Amount"
            data-testid={`step-${index}-wait-amount`}
            {...register(`steps.${index}.waitAmount`, {
              valueAsNumber: true,
              min: { value: 1, message: 'At least 1' },
            })}
          />
          <select
            className="input select input-sm"
            aria-label="Unit"
            {...register(`steps.${index}.waitUnit`)}
          >
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
            <option value="days">days</option>
            <option value="weeks">weeks</option>
          </select>
        </>
      ) : (
        <>
          <span className="muted">next</span>
          <select
            className="input select input-sm"
            aria-label="Weekday"
            {...register(`steps.${index}.weekday`, { valueAsNumber: true })}
          >
            {WEEKDAYS.map((d, i) => (
              <option key={d} value={i + 1}>
                {d}
              </option>
            ))}
          </select>
          <span className="muted">at</span>
          <select
            className="input select input-sm"
            aria-label="Hour"
            {...register(`steps.${index}.hour`, { valueAsNumber: true })}
          >
            {HOURS.map((h) => (
              <option key={h} value={h}>
                {hourLabel(h)}
              </option>
            ))}
          </select>
          <span className="muted">lead’s time</span>
        </>
      )}
    </div>
  );
}

function ConditionStep({
  index,
  control,
  register,
  allSteps,
  customFields,
}: Parameters<typeof StepCard>[0]) {
  const kind = useWatch({ control, name: `steps.${index}.condKind` });
  const op = useWatch({ control, name: `steps.${index}.condOp` });
  const earlierEmails = allSteps
    .slice(0, index)
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.type === 'email');
  const later = allSteps.map((s, i) => ({ s, i })).filter(({ i }) => i > index + 1);
  const target = (name: 'yesStepId' | 'noStepId', label: string) => (
    <div className="inline-pair">
      <span className="branch-label">{label}</span>
      <select
        className="input select input-sm"
        aria-label={label}
        {...register(`steps.${index}.${name}`)}
      >
        <option value="next">
          continue with step {index + 2 <= allSteps.length ? index + 2 : '(end)'}
        </option>
        {later.map(({ s, i }) => (
          <option key={s.id} value={s.id}>
            jump to step {i + 1}
            {s.type === 'email' && s.subject ? ` (${s.subject.slice(0, 30)})` : ''}
          </option>
        ))}
        <option value="end">end the campaign</option>
      </select>
    </div>
  );
  return (
    <div className="form-stack">
      <div className="inline-pair">
        <span className="muted">If the lead</span>
        <select
          className="input select input-sm"
          aria-label="Condition"
          {...register(`steps.${index}.condKind`)}
        >
          <option value="opened">opened</option>
          <option value="clicked">clicked in</option>
          <option value="has_tag">has the tag</option>
          <option value="field">has a field</option>
        </select>
        {(kind === 'opened' || kind === 'clicked') && (
          <select
            className="input select input-sm"
            aria-label="Email"
            {...register(`steps.${index}.condStepId`)}
          >
            <option value="">any earlier email</option>
            {earlierEmails.map(({ s, i }) => (
              <option key={s.id} value={s.id}>
                step {i + 1}: {s.subject.slice(0, 40) || '(no subject)'}
              </option>
            ))}
          </select>
        )}
        {kind === 'has_tag' && (
          <input
            className="input input-sm"
            placeholder="tag"
            aria-label="Tag"
            {...register(`steps.${index}.condTag`)}
          />
        )}
        {kind === 'field' && (
          <>
            <select
              className="input select input-sm"
              aria-label="Field"
              {...register(`steps.${index}.condField`)}
            >
              <option value="">field…</option>
              {['email', 'first_name', 'last_name', 'phone', ...customFields].map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
            <select
              className="input select input-sm"
              aria-label="Operator"
              {...register(`steps.${index}.condOp`)}
            >
              <option value="equals">equal to</option>
              <option value="contains">containing</option>
              <option value="exists">(is filled in)</option>
            </select>
            {op !== 'exists' && (
              <input
                className="input input-sm"
                aria-label="Value"
                {...register(`steps.${index}.condValue`)}
              />
            )}
          </>
        )}
      </div>
      {(kind === 'opened' || kind === 'clicked') && (
        <p className="field-hint">
          Only human opens and clicks count; privacy proxies and link scanners are ignored.
        </p>
      )}
      {target('yesStepId', 'Yes →')}
      {target('noStepId', 'No →')}
    </div>
  );
}
