import type { CampaignStats } from '@kindling/shared';

/** The campaign's totals: enrolled, in progress, completed, exited (with the reasons). */
export function StatTiles({ stats: s }: { stats: CampaignStats | undefined }) {
  return (
    <div className="stat-tiles" data-testid="campaign-stats">
      <Tile label="Enrolled" value={s?.enrolled} />
      <Tile label="In progress" value={s ? s.active + s.paused : undefined} />
      <Tile label="Completed" value={s?.completed} />
      <Tile
        label="Exited"
        value={s?.exited}
        hint={
          s &&
          Object.entries(s.exitedByReason)
            .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`)
            .join(' · ')
        }
      />
    </div>
  );
}

function Tile({
  label,
  value,
  hint,
}: {
  label: string;
  value: number | undefined;
  hint?: string | undefined;
}) {
  return (
    <div className="stat-tile">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value ?? '–'}</span>
      {hint && <span className="stat-hint">{hint}</span>}
    </div>
  );
}
