import { useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../../api';
import { Button, ButtonLink } from '../../../components/button';
import { useToast } from '../../../components/toast';
import { wsKey, useSession } from '../../../lib/queries';
import { can } from '../../../lib/roles';
import type { CampaignWithProblems } from '@kindling/shared';

const DONE: Record<string, string> = {
  activate: 'Campaign is live.',
  pause: 'Campaign paused.',
  resume: 'Campaign resumed.',
  archive: 'Campaign archived.',
};

/**
 * The campaign page's header buttons: edit, activate, pause, resume, archive, delete, each shown
 * to the roles the api allows (members build and pause, admins launch: mail goes out).
 */
export function LifecycleActions({
  campaign: c,
  onError,
}: {
  campaign: CampaignWithProblems;
  onError: (error: ApiError | null) => void;
}) {
  const me = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const build = can(me.role, 'campaigns:write');
  const launch = can(me.role, 'campaigns:send');
  const action = useMutation({
    mutationFn: (what: string) => api.post(`/api/campaigns/${c.id}/${what}`),
    onSuccess: async (_r, what) => {
      onError(null);
      await qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'campaign', c.id) });
      await qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'campaigns') });
      toast.success(DONE[what] ?? 'Campaign archived.');
    },
    onError: (err) =>
      onError(err instanceof ApiError ? err : new ApiError(500, 'internal', 'Failed')),
  });
  return (
    <>
      {build && c.status !== 'archived' && (
        <ButtonLink to={`/campaigns/${c.id}/edit`} data-testid="campaign-edit">
          Edit
        </ButtonLink>
      )}
      {launch && c.status === 'draft' && (
        <Button
          variant="primary"
          loading={action.isPending}
          onClick={() => action.mutate('activate')}
          data-testid="campaign-activate"
        >
          Activate
        </Button>
      )}
      {build && c.status === 'active' && (
        <Button
          loading={action.isPending}
          onClick={() => action.mutate('pause')}
          data-testid="campaign-pause"
        >
          Pause
        </Button>
      )}
      {launch && c.status === 'paused' && (
        <Button
          variant="primary"
          loading={action.isPending}
          onClick={() => action.mutate('resume')}
          data-testid="campaign-resume"
        >
          Resume
        </Button>
      )}
      {launch && c.status !== 'archived' && c.status !== 'draft' && (
        <Button variant="ghost" onClick={() => action.mutate('archive')}>
          Archive
        </Button>
      )}
      {build && c.status === 'draft' && (
        <Button
          variant="ghost"
          onClick={() =>
            void api
              .delete(`/api/campaigns/${c.id}`)
              .then(() => navigate('/campaigns'))
              .catch((e: unknown) => toast.error(e instanceof Error ? e.message : 'Failed'))
          }
        >
          Delete
        </Button>
      )}
    </>
  );
}
