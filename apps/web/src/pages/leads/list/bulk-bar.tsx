import { Button } from '../../../components/button';
import { formatCount } from '../common';
import type { BulkAction } from './bulk-action';

/** What this role may do to a selection (the api's permissions, packages/shared). */
export interface BulkRights {
  write: boolean;
  bulkDestructive: boolean;
  enroll: boolean;
}

/** The bar over a selection: its size, "select all matching", and the actions the role may take. */
export function BulkBar({
  count,
  offerAllMatching,
  allMatchingLabel,
  allMatching,
  single,
  may,
  onSelectAllMatching,
  onClear,
  onAction,
}: {
  count: number;
  /** Every lead of this page is selected and more match: offer to select them all. */
  offerAllMatching: boolean;
  allMatchingLabel: string;
  allMatching: boolean;
  /** Exactly one lead is selected by hand (destructive actions need no admin then). */
  single: boolean;
  may: BulkRights;
  onSelectAllMatching: () => void;
  onClear: () => void;
  onAction: (action: BulkAction) => void;
}) {
  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      <strong>{formatCount(count)} selected</strong>
      {offerAllMatching && (
        <button
          type="button"
          className="link-button"
          onClick={onSelectAllMatching}
          data-testid="select-all-matching"
        >
          {allMatchingLabel}
        </button>
      )}
      {allMatching && (
        <button type="button" className="link-button" onClick={onClear}>
          Clear selection
        </button>
      )}
      <span className="bulk-spacer" />
      {may.write && (
        <>
          <Button size="sm" onClick={() => onAction('tag')} data-testid="bulk-tag">
            Tag
          </Button>
          <Button size="sm" onClick={() => onAction('untag')}>
            Remove tag
          </Button>
        </>
      )}
      {may.enroll && (
        <Button size="sm" onClick={() => onAction('enroll')}>
          Enroll
        </Button>
      )}
      {(may.bulkDestructive || (may.write && single)) && (
        <>
          <Button size="sm" onClick={() => onAction('unsubscribe')}>
            Unsubscribe
          </Button>
          <Button
            size="sm"
            variant="danger"
            onClick={() => onAction('delete')}
            data-testid="bulk-delete"
          >
            Delete
          </Button>
        </>
      )}
    </div>
  );
}
