import type { Db } from '@kindling/db';
import { AppError } from '../../http/errors.js';

/** The paragraphs of a form's hosted thank-you page (with the confirm-by-email note if asked). */
export async function thanksMessage(
  db: Db,
  publicId: string,
  confirmationRequired: boolean,
): Promise<string[]> {
  const form = await db.form.findUnique({ where: { publicId } });
  if (!form) throw new AppError('not_found', 'This form does not exist');
  return confirmationRequired
    ? [
        form.successMessage,
        'We have sent you an email: open the link in it to confirm your subscription.',
      ]
    : [form.successMessage];
}
