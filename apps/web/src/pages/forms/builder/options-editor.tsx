import { useEffect, useState } from 'react';
import { TextAreaField } from '../../../components/field';

/** "value | Label" lines → choices (the label defaults to the value). */
export function parseOptions(t: string): { value: string; label: string }[] {
  return t
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [v, ...rest] = l.split('|');
      const val = v!.trim();
      return { value: val, label: rest.join('|').trim() || val };
    });
}

/** Choices as "value | Label" lines, edited as text. */
export function OptionsEditor({
  value,
  onChange,
  error,
}: {
  value: { value: string; label: string }[];
  onChange: (v: { value: string; label: string }[]) => void;
  error?: string | undefined;
}) {
  const toText = (opts: typeof value) =>
    opts.map((o) => (o.value === o.label ? o.value : `${o.value} | ${o.label}`)).join('\n');
  const [text, setText] = useState(toText(value));
  const serialized = JSON.stringify(value);
  // Follow outside changes (reset after save) without clobbering what is being typed.
  useEffect(
    () => setText((t) => (JSON.stringify(parseOptions(t)) === serialized ? t : toText(value))),
    [serialized],
  );
  const apply = (t: string) => onChange(parseOptions(t));
  return (
    <TextAreaField
      label="Options"
      rows={4}
      className="input-mono"
      hint="One per line: value | Label (the label is optional)"
      error={error}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        apply(e.target.value);
      }}
    />
  );
}
