import { useState } from 'react';
import { useNavigate, useParams, useSearchParams, Link } from 'react-router';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formInputSchema, type Form, type FormInput, type FormInputParsed } from '@kindling/shared';
import { api } from '../../api';
import { Badge, PageHeader } from '../../components/layout';
import { Button } from '../../components/button';
import { Alert, ErrorState, LoadingRows } from '../../components/feedback';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { TabButtons } from '../../components/tabs';
import { useToast } from '../../components/toast';
import { applyServerError } from '../../lib/form';
import { useSession, wsKey } from '../../lib/queries';
import { can } from '../../lib/roles';
import { FormPreview, toPublicForm } from './preview';
import { toInput } from './builder/form-input';
import { FieldsEditor } from './builder/fields-editor';
import { SettingsEditor } from './builder/settings-editor';
import { DesignEditor } from './builder/design-editor';
import { EmbedPanel } from './builder/embed-panel';
import './forms.css';

type Tab = 'fields' | 'settings' | 'design' | 'embed';
const TABS: { id: Tab; label: string }[] = [
  { id: 'fields', label: 'Fields' },
  { id: 'settings', label: 'Settings' },
  { id: 'design', label: 'Design' },
  { id: 'embed', label: 'Embed & submissions' },
];

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
  // The open section is in the URL (`?tab=design`), so a reload or a shared link keeps it and
  // back/forward step through the sections; the first one has no parameter.
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find((t) => t.id === params.get('tab'))?.id ?? 'fields';
  const setTab = (id: Tab, replace = false) =>
    setParams(id === 'fields' ? {} : { tab: id }, { replace });
  const [formError, setFormError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const methods = useForm<FormInput, unknown, FormInputParsed>({
    resolver: zodResolver(formInputSchema),
    defaultValues: toInput(form),
  });
  const {
    control,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isDirty },
  } = methods;
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
      if (errs.fields) setTab('fields', true);
      else if (errs.theme) setTab('design', true);
      else setTab('settings', true);
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
    <FormProvider {...methods}>
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
            <TabButtons
              tabs={TABS}
              active={tab}
              onSelect={(id) => setTab(id)}
              label="Form sections"
              testIdPrefix="builder-tab-"
              buttonClassName="tab tab-button"
              marker={(id) =>
                tabHasError[id] && <span className="tab-dot" aria-label="has errors" />
              }
            />
            <fieldset disabled={!manage} className="builder-fieldset">
              <div hidden={tab !== 'fields'}>
                <FieldsEditor />
              </div>
              <div hidden={tab !== 'settings'}>
                <SettingsEditor />
              </div>
              <div hidden={tab !== 'design'}>
                <DesignEditor />
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
          The embed code stops working and this form&apos;s submissions are deleted. Leads it
          created stay.
        </ConfirmDialog>
      </form>
    </FormProvider>
  );
}
