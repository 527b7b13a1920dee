import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { updateWorkspaceSchema } from '@kindling/shared';
import type { Me, UpdateWorkspaceInput, Workspace } from '@kindling/shared';
import { api } from '../../api';
import { Card } from '../../components/layout';
import { SelectField, TextAreaField, TextField } from '../../components/field';
import { Button } from '../../components/button';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Alert, ErrorState, LoadingRows } from '../../components/feedback';
import { useToast } from '../../components/toast';
import { applyServerError } from '../../lib/form';
import { meKey, useSession, wsKey } from '../../lib/queries';
import { canManage } from '../../lib/roles';
import { groupTimeZones } from '../../lib/time-zones';
import './settings.css';

const FIELDS = ['name', 'timeZone', 'postalAddress'] as const;

export function GeneralSettingsPage() {
  const me = useSession();
  const workspace = useQuery({
    queryKey: wsKey(me.workspace.id, 'workspace'),
    queryFn: () => api.get<Workspace>('/api/workspace'),
  });
  if (workspace.isPending)
    return (
      <Card title="Workspace">
        <LoadingRows rows={3} />
      </Card>
    );
  if (workspace.isError)
    return <ErrorState error={workspace.error} onRetry={() => void workspace.refetch()} />;
  return (
    <div className="settings-cards">
      <GeneralForm
        key={workspace.data.id}
        workspace={workspace.data}
        readOnly={!canManage(me.role)}
      />
      {workspace.data.demoData && canManage(me.role) && <DemoDataCard />}
    </div>
  );
}

/** The demo's data in this workspace, removable in one click (never written again after). */
function DemoDataCard() {
  const me = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.delete<Workspace>('/api/workspace/demo-data'),
    onSuccess: (updated) => {
      setConfirming(false);
      // Every list and statistic of this workspace changed: drop them all.
      qc.removeQueries({ queryKey: wsKey(me.workspace.id) });
      qc.setQueryData(wsKey(updated.id, 'workspace'), updated);
      toast.success('Demo data removed');
    },
    onError: (err) => toast.error(err.message),
  });
  return (
    <Card
      title="Demo data"
      description="This workspace holds the demo: its form, leads, welcome drip, sending identity and 30 days of email history."
      testId="demo-data"
      footer={
        <Button variant="danger" onClick={() => setConfirming(true)} data-testid="remove-demo-data">
          Remove demo data
        </Button>
      }
    >
      <p className="muted">
        Removing it deletes every lead, form, campaign, email, event, sending identity and warm-up
        plan in this workspace, including any you added here, and keeps its members, settings and
        API keys. Restarting Kindling does not bring the demo back.
      </p>
      <ConfirmDialog
        open={confirming}
        title="Remove the demo data?"
        confirmLabel="Remove demo data"
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => setConfirming(false)}
      >
        Leads, forms, campaigns, emails and the sending setup of this workspace are deleted. This
        cannot be undone.
      </ConfirmDialog>
    </Card>
  );
}

function GeneralForm({ workspace, readOnly }: { workspace: Workspace; readOnly: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [formError, setFormError] = useState<string | null>(null);
  const zones = useMemo(() => groupTimeZones(workspace.timeZone), [workspace.timeZone]);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isDirty },
  } = useForm({
    resolver: zodResolver(updateWorkspaceSchema),
    defaultValues: {
      name: workspace.name,
      timeZone: workspace.timeZone,
      postalAddress: workspace.postalAddress,
      dnsBlocksActivation: workspace.dnsBlocksActivation,
    } satisfies UpdateWorkspaceInput,
  });

  const save = useMutation({
    mutationFn: (body: UpdateWorkspaceInput) => api.patch<Workspace>('/api/workspace', body),
    onSuccess: (updated) => {
      qc.setQueryData(wsKey(updated.id, 'workspace'), updated);
      qc.setQueryData<Me | null>(meKey, (old) =>
        old
          ? {
              ...old,
              workspace: updated,
              workspaces: old.workspaces.map((w) =>
                w.id === updated.id ? { ...w, name: updated.name } : w,
              ),
            }
          : old,
      );
      reset({
        name: updated.name,
        timeZone: updated.timeZone,
        postalAddress: updated.postalAddress,
        dnsBlocksActivation: updated.dnsBlocksActivation,
      });
      toast.success('Workspace settings saved');
    },
    onError: (err) => setFormError(applyServerError(err, setError, FIELDS)),
  });

  return (
    <form
      noValidate
      onSubmit={handleSubmit((values) => {
        setFormError(null);
        save.mutate(values);
      })}
    >
      <Card
        title="Workspace"
        description="How your workspace appears to your team and in the emails you send."
        footer={
          readOnly ? null : (
            <>
              <Button disabled={!isDirty || save.isPending} onClick={() => reset()}>
                Discard changes
              </Button>
              <Button
                type="submit"
                variant="primary"
                loading={save.isPending}
                disabled={!isDirty}
                data-testid="save-workspace"
              >
                Save changes
              </Button>
            </>
          )
        }
      >
        <fieldset className="form-stack form-narrow" disabled={readOnly}>
          <legend className="visually-hidden">Workspace details</legend>
          {formError && <Alert>{formError}</Alert>}
          <TextField label="Workspace name" error={errors.name?.message} {...register('name')} />
          <SelectField
            label="Time zone"
            hint="Used for campaign send windows and the dates in your reports."
            error={errors.timeZone?.message}
            {...register('timeZone')}
          >
            {zones.map(([region, names]) => (
              <optgroup key={region} label={region}>
                {names.map((tz) => (
                  <option key={tz} value={tz}>
                    {tz.replaceAll('_', ' ')}
                  </option>
                ))}
              </optgroup>
            ))}
          </SelectField>
          <TextAreaField
            label="Postal address"
            rows={4}
            placeholder={'Acme Marketing Ltd\n12 Example Street\nLondon EC1A 1AA\nUnited Kingdom'}
            hint="Printed in the footer of every email you send. Anti-spam laws (CAN-SPAM, CASL) require a valid physical address."
            error={errors.postalAddress?.message}
            {...register('postalAddress')}
          />
          <label style={{ display: 'flex', gap: 8, alignItems: 'start' }}>
            <input
              type="checkbox"
              {...register('dnsBlocksActivation')}
              data-testid="dns-blocks-activation"
            />{' '}
            DNS failures block activation: a campaign whose sending identity fails a DNS check (SPF,
            DKIM, DMARC, return-path MX, tracking domain) cannot be activated
          </label>
        </fieldset>
      </Card>
    </form>
  );
}
