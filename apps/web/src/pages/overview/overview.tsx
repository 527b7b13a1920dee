// The workspace's home: new leads, email rates (human; machine opens and clicks shown apart),
// active campaigns, the reputation guard and a getting-started checklist that ticks itself.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { Overview } from '@kindling/shared';
import { api } from '../../api';
import { Badge, Card, PageHeader } from '../../components/layout';
import { Alert, ErrorState, LoadingRows } from '../../components/feedback';
import { CheckIcon } from '../../components/icons';
import { useSession, wsKey } from '../../lib/queries';
import { relativeTime } from '../../lib/format';
import './overview.css';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function OverviewPage() {
  const me = useSession();
  const overview = useQuery({
    queryKey: wsKey(me.workspace.id, 'overview'),
    queryFn: () => api.get<Overview>('/api/overview'),
    refetchInterval: 15_000,
  });
  return (
    <>
      <PageHeader
        title="Overview"
        description={`How ${me.workspace.name} is doing: leads, email, campaigns and sending health.`}
      />
      {overview.isPending && (
        <Card>
          <LoadingRows rows={4} />
        </Card>
      )}
      {overview.isError && (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      )}
      {overview.data && <OverviewBody o={overview.data} />}
    </>
  );
}

function Tile({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string | number;
  hint?: string;
  testId?: string;
}) {
  return (
    <div className="stat-tile" data-testid={testId}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">
        {typeof value === 'number' ? value.toLocaleString() : value}
      </span>
      {hint && <span className="stat-hint">{hint}</span>}
    </div>
  );
}

function OverviewBody({ o }: { o: Overview }) {
  const { leads, email, campaigns, reputation, checklist } = o;
  const allDone =
    checklist.identity.done && checklist.dns.done && checklist.form.done && checklist.campaign.done;
  return (
    <div className="overview">
      {reputation.alerts.map((a) => (
        <Alert
          key={`${a.kind}:${a.name}`}
          tone={a.level === 'paused' ? 'danger' : 'warning'}
          title={`${a.kind === 'identity' ? 'Identity' : 'Warm-up'} ${a.name}: ${a.level === 'paused' ? 'sending paused' : 'warning'}`}
        >
          {a.reason ?? 'No reason recorded.'}{' '}
          <Link to={a.kind === 'identity' ? '/sending/identities' : '/sending/warmup'}>
            Open Sending
          </Link>
        </Alert>
      ))}
      {!allDone && <Checklist checklist={checklist} />}

      <section aria-labelledby="ov-leads">
        <h2 className="overview-heading" id="ov-leads">
          New leads
        </h2>
        <div className="stat-tiles">
          <Tile label="Today" value={leads.today} testId="overview-leads-today" />
          <Tile label="Last 7 days" value={leads.last7Days} testId="overview-leads-7d" />
          <Tile label="Last 30 days" value={leads.last30Days} testId="overview-leads-30d" />
          <Tile label="All leads" value={leads.total} testId="overview-leads-total" />
        </div>
      </section>

      <div className="overview-columns">
        <Card
          title="Leads by source"
          description="New leads of the last 30 days, by first UTM source."
        >
          {leads.bySource.length === 0 ? (
            <p className="muted">No new leads in the last 30 days.</p>
          ) : (
            <ul className="overview-bars" data-testid="overview-sources">
              {leads.bySource.map((s) => (
                <li key={s.source}>
                  <span className="overview-bar-label">{s.source}</span>
                  <span className="overview-bar" aria-hidden="true">
                    <span
                      style={{ width: `${(s.count / Math.max(1, leads.last30Days)) * 100}%` }}
                    />
                  </span>
                  <span className="num">{s.count.toLocaleString()}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card
          title="Latest leads"
          actions={<Link to="/leads">All leads</Link>}
          testId="overview-recent-leads"
        >
          {leads.recent.length === 0 ? (
            <p className="muted">No leads yet: they appear here as your form is submitted.</p>
          ) : (
            <ul className="overview-list">
              {leads.recent.map((l) => (
                <li key={l.id}>
                  <Link to={`/leads/${l.id}`}>{l.name ? `${l.name} · ${l.email}` : l.email}</Link>
                  <span className="muted">
                    {l.source} · {relativeTime(l.createdAt)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <div className="overview-columns">
        <Card
          title="Email, last 30 days"
          description="Rates count people only: machine opens and clicks (privacy proxies, link scanners) are shown apart."
          testId="overview-email"
        >
          <div className="stat-tiles overview-tiles-3">
            <Tile label="Sent" value={email.sent} hint={`${email.bounced} bounced`} />
            <Tile
              label="Opened"
              value={pct(email.openRate)}
              hint={`${email.humanOpened} by people`}
              testId="overview-open-rate"
            />
            <Tile
              label="Clicked"
              value={pct(email.clickRate)}
              hint={`${email.humanClicked} by people`}
              testId="overview-click-rate"
            />
          </div>
          <p className="muted overview-note">
            Machines only: {email.machineOnlyOpened} opened, {email.machineOnlyClicked} clicked ·{' '}
            {email.unsubscribes} unsubscribed · {email.complaints} complaint
            {email.complaints === 1 ? '' : 's'}
          </p>
        </Card>
        <Card
          title={`Active campaigns (${campaigns.activeCount})`}
          actions={<Link to="/campaigns">All campaigns</Link>}
          testId="overview-campaigns"
        >
          {campaigns.active.length === 0 ? (
            <p className="muted">No campaign is running.</p>
          ) : (
            <ul className="overview-list">
              {campaigns.active.map((c) => (
                <li key={c.id}>
                  <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
                  <span className="muted">
                    {c.inProgress.toLocaleString()} in progress · {c.enrolled.toLocaleString()}{' '}
                    enrolled
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <Card
        title="Sending health"
        actions={
          <Badge
            tone={
              reputation.level === 'ok'
                ? 'success'
                : reputation.level === 'warn'
                  ? 'warning'
                  : 'danger'
            }
          >
            {reputation.level === 'ok'
              ? 'Healthy'
              : reputation.level === 'warn'
                ? 'Warning'
                : 'Paused'}
          </Badge>
        }
        testId="overview-reputation"
      >
        {reputation.warmups.length === 0 ? (
          <p className="muted">No warm-up plan yet: one starts with your first identity.</p>
        ) : (
          <ul className="overview-list">
            {reputation.warmups.map((w) => (
              <li key={w.id}>
                <span>
                  Warm-up {w.scope === 'ip_pool' ? 'pool' : 'domain'} <code>{w.key}</code>
                </span>
                <span className="muted">
                  day {w.day} · {w.todayUsed.toLocaleString()} of {w.todayCap.toLocaleString()}{' '}
                  today · target {w.targetVolume.toLocaleString()}/day
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {allDone && <Checklist checklist={checklist} />}
    </div>
  );
}

function Checklist({ checklist }: { checklist: Overview['checklist'] }) {
  const items = [
    {
      key: 'identity',
      done: checklist.identity.done,
      title: 'Add a sending identity',
      text: checklist.identity.done
        ? checklist.identity.relay
          ? 'Sending through your SMTP relay.'
          : 'Sending through the built-in dev mail catcher: mail stays in the Outbox. Add an SMTP relay to reach real inboxes.'
        : 'Your SMTP relay and from address, or the built-in mail catcher to try things out.',
      to: '/sending/identities',
    },
    {
      key: 'dns',
      done: checklist.dns.done,
      title: 'Publish your DNS records',
      text: dnsText(checklist.dns),
      to: '/sending/identities',
    },
    {
      key: 'form',
      done: checklist.form.done,
      title: 'Embed a form',
      text: checklist.form.done
        ? 'A form has received a submission.'
        : 'Paste the one-line script tag on a page; this ticks with the first submission.',
      to: checklist.form.formId ? `/forms/${checklist.form.formId}` : '/forms',
    },
    {
      key: 'campaign',
      done: checklist.campaign.done,
      title: 'Build a campaign',
      text: checklist.campaign.done
        ? 'A campaign is active.'
        : 'A drip sequence triggered by your form; this ticks when one is active.',
      to: '/campaigns',
    },
  ];
  const done = items.filter((i) => i.done).length;
  return (
    <Card
      title="Getting started"
      description={`${done} of ${items.length} done`}
      testId="overview-checklist"
    >
      <ol className="checklist">
        {items.map((i) => (
          <li key={i.key} className={i.done ? 'is-done' : undefined} data-testid={`check-${i.key}`}>
            <span className="checklist-mark" aria-hidden="true">
              {i.done && <CheckIcon size={14} />}
            </span>
            <div>
              <Link to={i.to} className="checklist-title">
                {i.title}
              </Link>
              <span className="visually-hidden">{i.done ? ' (done)' : ' (to do)'}</span>
              <p className="muted">{i.text}</p>
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}

function dnsText(dns: Overview['checklist']['dns']): string {
  const who = dns.identityName ? ` for ${dns.identityName}` : '';
  switch (dns.status) {
    case 'pass':
      return `SPF, DKIM and DMARC check out${who}.`;
    case 'warn':
      return `The DNS records${who} are published, with warnings: see the DNS panel under Sending.`;
    case 'fail':
      return `A DNS check fails${who}: the DNS panel under Sending shows the record to publish.`;
    case 'error':
      return `DNS did not answer when checking${who}; Kindling checks again daily, or press Check DNS.`;
    default:
      return 'Publish the SPF, DKIM and DMARC records your identity shows, then press Check DNS under Sending.';
  }
}
