import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BulkLeadsResult, LeadCount, LeadFacets, LeadFilters } from '@kindling/shared';
import { api } from '../../../api';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useToast } from '../../../components/toast';
import { useSession, wsKey } from '../../../lib/queries';
import { formatCount } from '../common';

export type BulkAction = 'tag' | 'untag' | 'enroll' | 'unsubscribe' | 'delete';

/** Explicit ids, or everything that matches the filters. */
export type Selection = { ids: string[] } | { filters: LeadFilters };

const DONE_VERB: Record<BulkAction, string> = {
  tag: 'Tagged',
  untag: 'Removed the tag from',
  enroll: 'Enrolled',
  unsubscribe: 'Unsubscribed',
  delete: 'Deleted',
};

const noun = (n: number) => `${formatCount(n)} ${n === 1 ? 'lead' : 'leads'}`;

const CONFIRM_TITLE: Record<BulkAction, (count: number) => string> = {
  tag: (n) => `Tag ${noun(n)}?`,
  untag: (n) => `Remove a tag from ${noun(n)}?`,
  enroll: (n) => `Enroll ${noun(n)} in a campaign?`,
  unsubscribe: (n) => `Unsubscribe ${noun(n)}?`,
  delete: (n) => `Delete ${noun(n)} and their personal data?`,
};

/**
 * A bulk action on the selection: `ask(action)` counts what the server will act on and opens the
 * confirmation, which asks for the tag or campaign the action needs; confirming applies it.
 */
export function useBulkAction(selection: () => Selection, onDone: () => void) {
  const me = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const [action, setAction] = useState<BulkAction | null>(null);
  const [tag, setTag] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [count, setCount] = useState<number | null>(null);

  async function ask(a: BulkAction) {
    setAction(a);
    setCount(null);
    // The confirmation states the exact count the server will act on.
    const r = await api.post<LeadCount>('/api/leads/count', selection());
    setCount(r.count);
  }

  const bulk = useMutation({
    mutationFn: () =>
      api.post<BulkLeadsResult>('/api/leads/bulk', {
        action,
        ...selection(),
        ...(action === 'tag' || action === 'untag' ? { tag: tag.trim() } : {}),
        ...(action === 'enroll' ? { campaignId } : {}),
      }),
    onSuccess: (r) => {
      toast.success(
        `${DONE_VERB[action!]} ${noun(r.affected)}${r.skipped ? ` (${formatCount(r.skipped)} skipped: inactive or already enrolled)` : ''}`,
      );
      setAction(null);
      setTag('');
      onDone();
      void qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'leads') });
    },
    onError: (err) => toast.error(err.message),
  });

  const ready =
    action === 'tag' || action === 'untag'
      ? tag.trim() !== ''
      : action === 'enroll'
        ? campaignId !== ''
        : true;

  return {
    ask,
    dialog: {
      action,
      count,
      ready,
      tag,
      setTag,
      campaignId,
      setCampaignId,
      pending: bulk.isPending,
      onCancel: () => setAction(null),
      onConfirm: () => {
        if (count !== null && ready) bulk.mutate();
      },
    },
  };
}

/** The confirmation of a bulk action, with the input that action needs. */
export function BulkConfirmDialog({
  dialog,
  facets,
}: {
  dialog: ReturnType<typeof useBulkAction>['dialog'];
  facets: LeadFacets | undefined;
}) {
  const { action, count, ready, tag, setTag, campaignId, setCampaignId } = dialog;
  return (
    <ConfirmDialog
      open={action !== null}
      title={count === null ? 'Counting…' : action ? CONFIRM_TITLE[action](count) : ''}
      confirmLabel={
        action === 'delete' ? 'Delete' : action === 'unsubscribe' ? 'Unsubscribe' : 'Apply'
      }
      tone={action === 'delete' || action === 'unsubscribe' ? 'danger' : 'primary'}
      pending={dialog.pending}
      onCancel={dialog.onCancel}
      onConfirm={dialog.onConfirm}
    >
      <div className="stack-sm" data-testid="bulk-confirm">
        {(action === 'tag' || action === 'untag') && (
          <label className="field">
            <span className="field-label">Tag</span>
            <input
              className="input"
              list="lead-tags"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
              autoFocus
              placeholder="e.g. webinar-2026"
            />
            <datalist id="lead-tags">
              {facets?.tags.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </label>
        )}
        {action === 'enroll' && (
          <label className="field">
            <span className="field-label">Campaign</span>
            <select
              className="input select"
              value={campaignId}
              onChange={(e) => setCampaignId(e.target.value)}
            >
              <option value="">Choose a campaign</option>
              <ActiveCampaignOptions facets={facets} />
            </select>
            <span className="field-hint">
              Only active leads not already in the campaign are enrolled.
            </span>
          </label>
        )}
        {action === 'unsubscribe' && (
          <p>They stop receiving every campaign and are added to the suppression list.</p>
        )}
        {action === 'delete' && (
          <p>
            Their submissions, emails and events stay in your counts but lose every personal detail.
            This cannot be undone.
          </p>
        )}
        {action && !ready && count !== null && (
          <p className="muted">Fill in the field above to continue.</p>
        )}
      </div>
    </ConfirmDialog>
  );
}

/** The workspace's active campaigns as options (enrolling needs a live campaign). */
export function ActiveCampaignOptions({ facets }: { facets: LeadFacets | undefined }) {
  return (
    <>
      {facets?.campaigns
        .filter((c) => c.status === 'active')
        .map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
    </>
  );
}
