import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Button } from './button';
import { Alert } from './feedback';
import { CheckIcon, CopyIcon } from './icons';
import { useToast } from './toast';

async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context; self-hosted installs are often plain http.
    if (!fallbackInput) return false;
    fallbackInput.select();
    return document.execCommand('copy');
  }
}

/** A read-only value (invite link, API key) with a copy button. */
export function CopyField({
  value,
  label,
  testId,
}: {
  value: string;
  label: string;
  testId?: string;
}) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const toast = useToast();

  useEffect(() => {
    if (!copied) return;
    const t = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(t);
  }, [copied]);

  const onCopy = async () => {
    const ok = await copyText(value, inputRef.current);
    if (ok) {
      setCopied(true);
      toast.success('Copied to clipboard');
    } else {
      inputRef.current?.select();
      toast.error('Could not copy. Select the text and copy it manually.');
    }
  };

  return (
    <div className="copy-field">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        ref={inputRef}
        className="input input-mono"
        readOnly
        value={value}
        onFocus={(e) => e.currentTarget.select()}
        data-testid={testId}
      />
      <button
        type="button"
        className="btn btn-secondary"
        onClick={onCopy}
        aria-label={`Copy ${label.toLowerCase()}`}
      >
        {copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/** A secret shown once (invite link, API key): the warning, the value to copy, a way to close. */
export function SecretReveal({
  tone,
  title,
  children,
  value,
  label,
  valueTestId,
  testId,
  doneLabel,
  onDone,
}: {
  tone: 'success' | 'warning';
  title: string;
  children: ReactNode;
  value: string;
  label: string;
  valueTestId: string;
  testId: string;
  doneLabel: string;
  onDone: () => void;
}) {
  return (
    <div className="reveal" data-testid={testId}>
      <Alert tone={tone} title={title}>
        {children}
      </Alert>
      <CopyField value={value} label={label} testId={valueTestId} />
      <div className="reveal-actions">
        <Button size="sm" variant="ghost" onClick={onDone}>
          {doneLabel}
        </Button>
      </div>
    </div>
  );
}
