import { useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../../api';
import { useToast } from '../../../components/toast';
import { wsKey, useSession } from '../../../lib/queries';
import type { CampaignView, CampaignWithProblems, ErrorDetail } from '@kindling/shared';
import { toInput, type CampaignForm } from '../model';

/** One thing the server refused, tied to the part of the campaign it is about. */
export type Problem = ErrorDetail;

/**
 * Saves the campaign (create or replace) and, when asked, activates it. A refused activation
 * leaves a saved draft and lists the server's problems; a refused save lists them too.
 */
export function useSaveCampaign(
  campaign: CampaignWithProblems | null,
  showProblems: (problems: Problem[], message: string) => void,
) {
  const me = useSession();
  const navigate = useNavigate();
  const toast = useToast();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ values, activate }: { values: CampaignForm; activate: boolean }) => {
      const body = toInput(values);
      const saved = campaign
        ? await api.put<CampaignWithProblems>(`/api/campaigns/${campaign.id}`, body)
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
        showProblems(
          activationError instanceof ApiError ? activationError.details : [],
          activationError instanceof ApiError ? activationError.message : 'Activation failed',
        );
        toast.info('Saved as a draft; fix the problems listed to activate.');
        if (!campaign) void navigate(`/campaigns/${saved.id}/edit`, { replace: true });
        return;
      }
      toast.success(activate ? 'Campaign is live.' : 'Campaign saved.');
      void navigate(`/campaigns/${saved.id}`);
    },
    onError: (err) =>
      showProblems(
        err instanceof ApiError ? err.details : [],
        err instanceof ApiError ? err.message : 'Could not save the campaign',
      ),
  });
}
