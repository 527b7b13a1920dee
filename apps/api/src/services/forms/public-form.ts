import type { PublicForm } from '@kindling/shared';
import { publicFields, type LoadedForm } from '../../public/submit.js';
import { themeOf } from './form-view.js';

/** The definition the embed widget renders a form from. */
export function publicFormDefinition(publicUrl: string, form: LoadedForm): PublicForm {
  return {
    publicId: form.publicId,
    name: form.name,
    submitLabel: form.submitLabel,
    successMessage: form.successMessage,
    redirectUrl: form.redirectUrl,
    theme: themeOf(form.theme),
    fields: publicFields(form),
    submitUrl: `${publicUrl}/api/public/forms/${form.publicId}/submissions`,
  };
}
