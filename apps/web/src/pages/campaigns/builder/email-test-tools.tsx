import { useState } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import { api } from '../../../api';
import { Button } from '../../../components/button';
import { useToast } from '../../../components/toast';
import type { CampaignForm } from '../model';
import type { CampaignPreview, TestSendResult } from '@kindling/shared';

/** Preview an email step rendered for a real lead, or send it to yourself (saved campaigns only). */
export function EmailTestTools({
  index,
  campaignId,
}: {
  index: number;
  campaignId: string | null;
}) {
  const { control, getValues } = useFormContext<CampaignForm>();
  const stepId = useWatch({ control, name: `steps.${index}.id` });
  const [preview, setPreview] = useState<CampaignPreview | null>(null);
  const [busy, setBusy] = useState<'preview' | 'test' | null>(null);
  const toast = useToast();
  const current = () => {
    const s = getValues(`steps.${index}`);
    return { subject: s.subject, preheader: s.preheader, html: s.html, text: s.text };
  };
  const run = async (
    kind: 'preview' | 'test',
    work: (id: string) => Promise<void>,
    failure: string,
  ) => {
    if (!campaignId) return;
    setBusy(kind);
    try {
      await work(campaignId);
    } catch (err) {
      toast.error(err instanceof Error ? err.message : failure);
    } finally {
      setBusy(null);
    }
  };
  const runPreview = () =>
    run(
      'preview',
      async (id) =>
        setPreview(
          await api.post<CampaignPreview>(`/api/campaigns/${id}/preview`, { config: current() }),
        ),
      'Preview failed',
    );
  const sendTest = () =>
    run(
      'test',
      async (id) => {
        const r = await api.post<TestSendResult>(`/api/campaigns/${id}/test-send`, {
          config: current(),
          stepId,
        });
        toast.success(`Test sent to ${r.to}`);
      },
      'Test send failed',
    );
  const unsaved = campaignId ? undefined : 'Save the campaign first';

  return (
    <>
      <div className="step-actions">
        <Button
          size="sm"
          onClick={() => void runPreview()}
          loading={busy === 'preview'}
          disabled={!campaignId}
          title={unsaved}
        >
          Preview with a real lead
        </Button>
        <Button
          size="sm"
          onClick={() => void sendTest()}
          loading={busy === 'test'}
          disabled={!campaignId}
          title={unsaved}
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
    </>
  );
}
