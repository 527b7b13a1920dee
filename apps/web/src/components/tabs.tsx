import type { CSSProperties, ReactNode } from 'react';

/** A row of tab buttons; the caller shows the panel of the active one. */
export function TabButtons<Id extends string>({
  tabs,
  active,
  onSelect,
  label,
  testIdPrefix,
  buttonClassName = 'tab',
  buttonStyle,
  marker,
}: {
  tabs: readonly { id: Id; label: string }[];
  active: Id;
  onSelect: (id: Id) => void;
  /** What the tab list is, for assistive tech. */
  label: string;
  testIdPrefix: string;
  buttonClassName?: string;
  buttonStyle?: CSSProperties;
  /** Something to show after a tab's label (e.g. an error dot). */
  marker?: (id: Id) => ReactNode;
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={active === t.id}
          className={`${buttonClassName}${active === t.id ? ' active' : ''}`}
          style={buttonStyle}
          data-testid={`${testIdPrefix}${t.id}`}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
          {marker?.(t.id)}
        </button>
      ))}
    </div>
  );
}
