import { useMemo, useRef, useState } from 'react';
import { FormProvider, useFieldArray, useForm, useWatch } from 'react-hook-form';
import { useParams, Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { BUILTIN_MERGE_TAGS, htmlToText } from '@kindling/shared';
import type { CampaignOptions, CampaignWithProblems } from '@kindling/shared';
import { api } from '../../api';
import { PageHeader, Badge } from '../../components/layout';
import { Button } from '../../components/button';
import { TextField } from '../../components/field';
import { Alert, ErrorState, LoadingRows } from '../../components/feedback';
import { wsKey, useSession } from '../../lib/queries';
import { can } from '../../lib/roles';
import { EditingRules } from './editing-rules';
import { ProblemList } from './problem-list';
import {
  emptyCampaign,
  STATUS_TONE,
  STEP_LABEL,
  newStep,
  toForm,
  type CampaignForm,
  type StepType,
} from './model';
import { StepCard } from './builder/step-card';
import { ExitCard, SendingCard, SideCard } from './builder/side-cards';
import { SendWindowCard } from './builder/send-window-card';
import { TriggersCard } from './builder/triggers-card';
import { useSaveCampaign, type Problem } from './builder/use-save-campaign';
import './campaigns.css';

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
    queryFn: () => api.get<CampaignWithProblems>(`/api/campaigns/${id}`),
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

/** The builder's form: header with save and activate, the steps, and the side cards. */
function BuilderForm({
  options,
  campaign,
  title,
}: {
  options: CampaignOptions;
  campaign: CampaignWithProblems | null;
  title: string;
}) {
  const me = useSession();
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
  const { register, control, handleSubmit, formState } = form;
  const steps = useFieldArray({ control, name: 'steps', keyName: 'key' });
  const status = campaign?.status ?? 'draft';
  const showProblems = (list: Problem[], message: string) => {
    setProblems(list);
    setFormError(message);
    setTimeout(() => problemsRef.current?.scrollIntoView({ block: 'start' }), 0);
  };
  const save = useSaveCampaign(campaign, showProblems);

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
    <FormProvider {...form}>
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
              Status: <Badge tone={STATUS_TONE[status]}>{status}</Badge>
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
              <ProblemList items={problems.map((p) => p.issue)} testId="campaign-problems" />
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
                <TextField
                  id="c-name"
                  label="Campaign name"
                  placeholder="Welcome series"
                  error={formState.errors.name?.message}
                  {...register('name', { required: 'Name the campaign' })}
                />
              </div>
            </section>

            <h2 className="builder-section-title">Steps</h2>
            <ol className="step-list" data-testid="steps">
              {steps.fields.map((field, index) => (
                <li key={field.key} className="step-card" data-testid={`step-${index}`}>
                  <StepCard
                    index={index}
                    count={steps.fields.length}
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
                  onClick={() => steps.append({ ...newStep(t, steps.fields.length), text: '' })}
                  data-testid={`add-${t}`}
                >
                  + {STEP_LABEL[t]}
                </Button>
              ))}
            </div>
          </div>

          <aside className="builder-side">
            <SendingCard identities={options.identities} />
            <TriggersCard forms={options.forms} />
            <SendWindowCard />
            <ExitCard />
            {status === 'draft' && (
              <SideCard title="Editing after launch" bodyClassName="card-body">
                <EditingRules />
              </SideCard>
            )}
          </aside>
        </div>
      </form>
    </FormProvider>
  );
}
