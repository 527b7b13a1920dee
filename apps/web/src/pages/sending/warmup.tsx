import { useState, type ChangeEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UpdateWarmupInput, WarmupPlanView } from '@kindling/shared';
import { api } from '../../api';
import { Badge, Card } from '../../components/layout';
import { TextField } from '../../components/field';
import { Button } from '../../components/button';
import { Alert, EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { ClockIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { useSession, wsKey } from '../../lib/queries';
import { canManage } from '../../lib/roles';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function Meter({ used, cap }: { used: number; cap: number }) {
  const ratio = cap > 0 ? Math.min(1, used / cap) : 0;
  return (
    <div
      role="progressbar"
      aria-label={`${used} of ${cap} sent today`}
      aria-valuemin={0}
      aria-valuemax={cap}
      aria-valuenow={Math.min(used, cap)}
      style={{
        height: 8,
        background: 'var(--gray-100, #f3f4f6)',
        borderRadius: 4,
        overflow: 'hidden',
      }}
    >
      <div
        style={{
          width: `${ratio * 100}%`,
          height: '100%',
          background: ratio >= 1 ? 'var(--warning-600, #d97706)' : 'var(--accent-600, #ea580c)',
        }}
      />
    </div>
  );
}

function PlanCard({
  plan,
  manage,
  onSaved,
}: {
  plan: WarmupPlanView;
  manage: boolean;
  onSaved: () => void;
}) {
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({
    startVolume: String(plan.startVolume),
    growthFactor: String(plan.growthFactor),
    targetVolume: String(plan.targetVolume),
    schedule: plan.schedule.join(', '),
    sendStartHour: String(plan.sendStartHour),
    sendEndHour: String(plan.sendEndHour),
  });
  // One draft field as an input's value and change handler.
  const bind = (key: keyof typeof draft) => ({
    value: draft[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [key]: e.target.value }),
  });
  const save = useMutation({
    mutationFn: (body: UpdateWarmupInput) =>
      api.patch<WarmupPlanView>(`/api/sending/warmup/${plan.id}`, body),
    onSuccess: () => {
      toast.success('Warm-up plan saved');
      setEditing(false);
    },
    onError: (err) => toast.error(err.message),
    onSettled: onSaved,
  });
  const resume = useMutation({
    mutationFn: () => api.post<WarmupPlanView>(`/api/sending/warmup/${plan.id}/resume`, {}),
    onError: (err) => toast.error(err.message),
    onSettled: onSaved,
  });
  const rep = plan.reputation;
  const title = `${plan.scope === 'ip_pool' ? 'IP pool' : 'Domain'} ${plan.key}`;
  return (
    <Card
      title={
        <>
          {title}{' '}
          {plan.status === 'paused' ? (
            <Badge tone="danger">Paused</Badge>
          ) : rep.level === 'warn' ? (
            <Badge tone="warning">Warning</Badge>
          ) : (
            <Badge tone="success">Healthy</Badge>
          )}
          {!plan.enabled && <Badge tone="neutral">Warm-up off</Badge>}
        </>
      }
      description={`Day ${plan.day} of the warm-up: today's cap ${plan.todayCap.toLocaleString()}, spread over ${plan.sendStartHour}:00–${plan.sendEndHour}:00.`}
      actions={
        manage ? (
          <Button size="sm" onClick={() => setEditing((e) => !e)}>
            {editing ? 'Close' : 'Edit plan'}
          </Button>
        ) : undefined
      }
      testId="warmup-plan"
    >
      <div className="stack-lg">
        {plan.status === 'paused' && (
          <Alert tone="danger" title="Sending on this pool is paused">
            {plan.pausedReason} Held mail stays queued and goes out once a person resumes sending.
            {manage && (
              <div style={{ marginTop: 8 }}>
                <Button
                  size="sm"
                  variant="primary"
                  loading={resume.isPending}
                  onClick={() => resume.mutate()}
                  data-testid="warmup-resume"
                >
                  Resume sending
                </Button>
              </div>
            )}
          </Alert>
        )}
        {plan.status !== 'paused' && rep.level === 'warn' && (
          <Alert tone="warning">{rep.reason}</Alert>
        )}
        <div
          style={{
            display: 'grid',
            gridTemplateColumns: 'repeat(auto-fit, minmax(140px, 1fr))',
            gap: 16,
          }}
        >
          <div>
            <div className="muted">Day</div>
            <strong data-testid="warmup-day">{plan.day}</strong>
          </div>
          <div>
            <div className="muted">Sent today</div>
            <strong data-testid="warmup-used">
              {plan.todayUsed.toLocaleString()} / {plan.todayCap.toLocaleString()}
            </strong>
            <Meter used={plan.todayUsed} cap={plan.todayCap} />
          </div>
          <div>
            <div className="muted">Held</div>
            <strong data-testid="warmup-held">{plan.held.toLocaleString()}</strong>
          </div>
          <div>
            <div className="muted">Bounce rate (7 days)</div>
            <strong>{pct(rep.bounceRate)}</strong>{' '}
            <span className="muted">
              warn {pct(plan.bounceWarn)}, pause {pct(plan.bouncePause)}
            </span>
          </div>
          <div>
            <div className="muted">Complaint rate (7 days)</div>
            <strong>{pct(rep.complaintRate)}</strong>{' '}
            <span className="muted">
              warn {pct(plan.complaintWarn)}, pause {pct(plan.complaintPause)}
            </span>
          </div>
          <div>
            <div className="muted">Sent (7 days)</div>
            <strong>{rep.sent.toLocaleString()}</strong>
          </div>
        </div>
        <div>
          <div className="muted" style={{ marginBottom: 4 }}>
            Daily caps, next 30 days
          </div>
          <div
            style={{ display: 'flex', alignItems: 'end', gap: 2, height: 60 }}
            aria-label="Warm-up curve"
          >
            {plan.curve.map((c, i) => (
              <div
                key={i}
                title={`Day ${i + 1}: ${c.toLocaleString()}`}
                style={{
                  flex: 1,
                  height: `${Math.max(2, (c / Math.max(...plan.curve, 1)) * 100)}%`,
                  background:
                    i + 1 === plan.day ? 'var(--accent-600, #ea580c)' : 'var(--gray-300, #d1d5db)',
                  borderRadius: 2,
                }}
              />
            ))}
          </div>
        </div>
        {editing && (
          <form
            className="form-stack"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const schedule = draft.schedule
                .split(/[\s,]+/)
                .filter(Boolean)
                .map(Number);
              if (schedule.some((n) => !Number.isInteger(n) || n < 0)) {
                toast.error(
                  'The schedule is a list of whole numbers, one per day, e.g. "50, 75, 110"',
                );
                return;
              }
              save.mutate({
                startVolume: Number(draft.startVolume),
                growthFactor: Number(draft.growthFactor),
                targetVolume: Number(draft.targetVolume),
                schedule,
                sendStartHour: Number(draft.sendStartHour),
                sendEndHour: Number(draft.sendEndHour),
              });
            }}
          >
            <TextField label="Day 1 volume" type="number" {...bind('startVolume')} />
            <TextField
              label="Daily growth factor"
              type="number"
              step="0.05"
              hint="1.3 to 1.5 is what SES, SendGrid and Mailtrap recommend."
              {...bind('growthFactor')}
            />
            <TextField label="Target daily volume" type="number" {...bind('targetVolume')} />
            <TextField
              label="Explicit schedule"
              optional
              hint="Daily caps from day 1, comma-separated; overrides the curve where given."
              {...bind('schedule')}
            />
            <TextField
              label="Sending starts (hour)"
              type="number"
              min={0}
              max={23}
              {...bind('sendStartHour')}
            />
            <TextField
              label="Sending ends (hour)"
              type="number"
              min={1}
              max={24}
              {...bind('sendEndHour')}
            />
            <div>
              <Button type="submit" variant="primary" loading={save.isPending}>
                Save plan
              </Button>
            </div>
          </form>
        )}
      </div>
    </Card>
  );
}

export function WarmupPanel() {
  const me = useSession();
  const qc = useQueryClient();
  const key = wsKey(me.workspace.id, 'sending-warmup');
  const plans = useQuery({
    queryKey: key,
    queryFn: () => api.get<WarmupPlanView[]>('/api/sending/warmup'),
    refetchInterval: 15_000,
  });
  return (
    <div className="stack-lg">
      {plans.isPending && <LoadingRows rows={2} />}
      {plans.isError && <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />}
      {plans.data?.length === 0 && (
        <Card>
          <EmptyState
            compact
            icon={<ClockIcon size={20} />}
            title="No warm-up plans yet"
            testId="warmup-empty"
          >
            <p>Adding a sending identity creates a warm-up plan for its IP pool and its domain.</p>
          </EmptyState>
        </Card>
      )}
      {plans.data?.map((p) => (
        <PlanCard
          key={p.id}
          plan={p}
          manage={canManage(me.role)}
          onSaved={() => void qc.invalidateQueries({ queryKey: key })}
        />
      ))}
    </div>
  );
}
