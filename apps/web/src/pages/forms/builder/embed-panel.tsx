import { useQuery } from '@tanstack/react-query';
import type { Form, Submission } from '@kindling/shared';
import { api } from '../../../api';
import { Badge, Card } from '../../../components/layout';
import { DataTable } from '../../../components/data-table';
import { Button } from '../../../components/button';
import { Alert, ErrorState, LoadingRows } from '../../../components/feedback';
import { CopyField } from '../../../components/copy-field';
import { useToast } from '../../../components/toast';
import { useSession, wsKey } from '../../../lib/queries';
import { relativeTime } from '../../../lib/format';
import { noJsSnippet } from './no-js-snippet';

/** The embed tab: the script tag, the plain HTML form, and the latest submissions. */
export function EmbedPanel({ form, dirty }: { form: Form; dirty: boolean }) {
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
        <pre
          className="code-block"
          data-testid="nojs-snippet"
          tabIndex={0}
          role="region"
          aria-label="Plain HTML snippet"
        >
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
          <DataTable columns={['Email', 'Source', 'When']}>
            {submissions.data.map((s) => (
              <tr key={s.id} className={s.isSpam ? 'row-muted' : undefined}>
                <td>
                  {s.email ?? (typeof s.data.email === 'string' ? s.data.email : '—')}{' '}
                  {s.isSpam && <Badge tone="warning">spam: {s.spamReason}</Badge>}
                </td>
                <td className="muted">
                  {[s.utm.utm_source, s.utm.utm_campaign].filter(Boolean).join(' / ') || 'direct'}
                </td>
                <td className="muted">{relativeTime(s.createdAt)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </div>
  );
}
