import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useToast } from './toast';
import { Button } from './button';

/** A modal confirmation on the native <dialog> element (focus trap and Escape for free). */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  tone = 'danger',
  pending = false,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        if (!pending) onCancel();
      }}
      onClick={(e) => {
        // A click on the backdrop lands on the dialog element itself.
        if (e.target === e.currentTarget && !pending) onCancel();
      }}
    >
      <div className="dialog-content">
        <h2 className="dialog-title" id={titleId}>
          {title}
        </h2>
        {children && (
          <div className="dialog-body" id={bodyId}>
            {children}
          </div>
        )}
        <div className="dialog-actions">
          {/* Destructive confirmations start on Cancel so Enter never deletes by accident. */}
          <Button onClick={onCancel} disabled={pending} autoFocus={tone === 'danger'}>
            Cancel
          </Button>
          <Button
            variant={tone}
            onClick={onConfirm}
            loading={pending}
            autoFocus={tone !== 'danger'}
          >
            {confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
}

/**
 * A destructive action on one item behind a confirmation: `ask(item)` opens the dialog, confirming
 * runs `action`; afterwards `invalidate` is refetched and a failure shows as a toast.
 */
export function useConfirmedAction<T>({
  action,
  onSuccess,
  invalidate,
}: {
  action: (item: T) => Promise<unknown>;
  onSuccess: (item: T) => void;
  invalidate: QueryKey;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const [item, setItem] = useState<T | null>(null);
  const mutation = useMutation({
    mutationFn: action,
    onSuccess: (_, done) => {
      onSuccess(done);
      setItem(null);
    },
    onError: (err) => toast.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: invalidate }),
  });
  return {
    item,
    ask: setItem,
    dialog: {
      open: item !== null,
      pending: mutation.isPending,
      onCancel: () => setItem(null),
      onConfirm: () => {
        if (item !== null) mutation.mutate(item);
      },
    },
  };
}
