import { DEFAULT_THEME, type FieldInput, type FormInput, type FieldType } from '@kindling/shared';

/** What a new form starts with: the email field (always present) and a first name. */
export const NEW_FORM: FormInput = {
  name: 'Untitled form',
  submitLabel: 'Subscribe',
  successMessage: "Thanks! You're on the list.",
  fields: [
    { key: 'email', type: 'email', label: 'Email', placeholder: 'you@example.com', required: true },
    { key: 'first_name', type: 'text', label: 'First name', placeholder: 'Ada', required: false },
  ],
};

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  email: 'Email',
  text: 'Short text',
  textarea: 'Long text',
  number: 'Number',
  phone: 'Phone',
  select: 'Dropdown',
  radio: 'Radio buttons',
  checkbox: 'Checkbox',
  consent: 'Consent checkbox',
  hidden: 'Hidden value',
};

/** A fresh field of `type` whose key does not clash with `taken`. */
export function newField(type: FieldType, taken: string[]): FieldInput {
  const base: Record<FieldType, Partial<FieldInput>> = {
    email: { label: 'Email' },
    text: { label: 'Company', key: 'company' },
    textarea: { label: 'Message', key: 'message' },
    number: { label: 'Team size', key: 'team_size' },
    phone: { label: 'Phone', key: 'phone' },
    select: {
      label: 'Your role',
      key: 'role',
      options: [
        { value: 'marketing', label: 'Marketing' },
        { value: 'sales', label: 'Sales' },
      ],
    },
    radio: {
      label: 'Plan',
      key: 'plan',
      options: [
        { value: 'free', label: 'Free' },
        { value: 'pro', label: 'Pro' },
      ],
    },
    checkbox: { label: 'Send me product updates', key: 'updates' },
    consent: {
      label: 'Consent',
      key: 'consent',
      required: true,
      consentText: 'I agree to receive emails and can unsubscribe at any time.',
    },
    hidden: { label: 'Source', key: 'source', queryParam: 'ref', defaultValue: 'website' },
  };
  const preset = base[type];
  let key = preset.key ?? type;
  for (let i = 2; taken.includes(key); i++) key = `${preset.key ?? type}_${i}`;
  return {
    type,
    required: false,
    placeholder: '',
    options: [],
    ...preset,
    key,
    label: preset.label ?? 'Field',
  };
}

export const FONTS = [
  { label: 'System sans-serif', value: DEFAULT_THEME.font },
  {
    label: 'Humanist (Seravek, Segoe UI)',
    value: 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", sans-serif',
  },
  { label: 'Serif (Georgia)', value: 'Georgia, Cambria, "Times New Roman", serif' },
  {
    label: 'Rounded (Nunito, Quicksand)',
    value: 'Nunito, Quicksand, "Arial Rounded MT Bold", system-ui, sans-serif',
  },
  { label: 'Monospace', value: 'ui-monospace, "SF Mono", Menlo, Consolas, monospace' },
];

export const DARK_THEME = { background: '#17181c', text: '#f1f1f3' };
