import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useFormContext } from 'react-hook-form';
import { TextField } from '../../../components/field';
import type { CampaignOptions } from '@kindling/shared';
import type { CampaignForm } from '../model';

/** A card of the builder's side column: a title over a stack of settings. */
export function SideCard({
  title,
  bodyClassName = 'card-body form-stack',
  children,
}: {
  title: string;
  bodyClassName?: string;
  children: ReactNode;
}) {
  return (
    <section className="card">
      <div className="card-header">
        <h2 className="card-title">{title}</h2>
      </div>
      <div className={bodyClassName}>{children}</div>
    </section>
  );
}

/** Who the campaign sends as, and what it tracks. */
export function SendingCard({ identities }: { identities: CampaignOptions['identities'] }) {
  const { register } = useFormContext<CampaignForm>();
  return (
    <SideCard title="Sending">
      <div className="field">
        <label className="field-label" htmlFor="c-identity">
          From (sending identity)
        </label>
        <select id="c-identity" className="input select" {...register('identityId')}>
          <option value="">Choose…</option>
          {identities.map((i) => (
            <option key={i.id} value={i.id}>
              {i.fromName} &lt;{i.fromEmail}&gt;
            </option>
          ))}
        </select>
        {identities.length === 0 && (
          <p className="field-hint">
            No identity yet: <Link to="/sending">set up sending</Link>.
          </p>
        )}
      </div>
      <label className="check">
        <input type="checkbox" {...register('trackOpens')} /> Track opens
      </label>
      <label className="check">
        <input type="checkbox" {...register('trackClicks')} /> Track clicks
      </label>
    </SideCard>
  );
}

/** When a lead leaves before the end, and whether it may come back. */
export function ExitCard() {
  const { register } = useFormContext<CampaignForm>();
  return (
    <SideCard title="Exit and re-entry">
      <p className="field-hint">
        Leads always leave when they unsubscribe, bounce, complain or are suppressed.
      </p>
      <TextField
        id="c-goal-tag"
        label="Goal tag"
        optional
        placeholder="customer"
        hint="Leave the campaign when this tag is added."
        {...register('goalTag')}
      />
      <TextField
        id="c-goal-url"
        label="Goal link"
        optional
        placeholder="https://example.com/pricing"
        hint="Leave when the lead clicks a link starting with this URL (human clicks only)."
        {...register('goalUrl')}
      />
      <label className="check">
        <input type="checkbox" {...register('allowReenroll')} /> A lead who finished may be enrolled
        again
      </label>
    </SideCard>
  );
}
