// The public form endpoints, reached by landing pages on any origin: the form definition for the
// widget, the submission endpoint (JSON from the widget, urlencoded from a plain HTML form), the
// hosted thank-you page and the double opt-in confirmation link. They never look at the session
// cookie: a visitor who also happens to be signed in to Kindling is just a visitor here.
import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { z } from 'zod';
import { publicFormSchema, submissionAcceptedSchema } from '@kindling/shared';
import { isDbUnavailable } from '@kindling/db';
import type { AppDeps } from '../deps.js';
import { AppError, errorHandler } from '../http/errors.js';
import { ANSWERED, HTML_PAGE, defineRoute, mountRoutes, type AnyRoute } from '../http/route.js';
import { publicFormDefinition } from '../services/forms/public-form.js';
import { thanksMessage } from '../services/forms/thanks-message.js';
import { acceptSubmission, type LoadedForm } from './submit.js';
import { confirmLead } from './confirm.js';
import { corsHeaders, loadPublicForm, originAllowed } from './fast-path.js';
import { page } from './pages.js';

/** Largest accepted submission body; a form with 50 long fields still fits. */
export const SUBMISSION_LIMIT = '32kb';

/** The shape newPublicId makes (and the fast path's route accepts); anything else is a 404. */
const PUBLIC_ID = /^[A-Za-z0-9_-]{1,64}$/;
const publicIdParams = z.object({ publicId: z.string().regex(PUBLIC_ID) });

const isForm = (req: Request) =>
  req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
const wantsHtml = (req: Request) =>
  isForm(req) || (req.method === 'GET' && req.accepts(['json', 'html']) === 'html');

function applyCors(res: Response, origin: string | undefined): void {
  if (origin) res.set(corsHeaders(origin));
}

/** Public form routes: declared like every route (validation, OpenAPI), mounted by publicRouter. */
export function publicRoutes(deps: AppDeps): AnyRoute[] {
  /** The enabled form, after the Origin check; sets CORS headers for an allowed origin. */
  async function formFor(req: Request, res: Response, publicId: string): Promise<LoadedForm> {
    const form = await loadPublicForm(deps, publicId);
    const origin = req.get('origin');
    if (!form || form.status !== 'enabled') {
      applyCors(res, origin);
      throw new AppError('not_found', 'This form does not exist or is not accepting submissions');
    }
    if (!originAllowed(form, origin)) {
      throw new AppError('forbidden', `This form does not accept submissions from ${origin}`);
    }
    applyCors(res, origin);
    return form;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/public/forms/:publicId',
      summary: 'Form definition for the embed widget',
      tag: 'public',
      auth: 'public',
      params: publicIdParams,
      response: publicFormSchema,
      handler: async ({ req, res, params }) => {
        const form = await formFor(req, res, params.publicId);
        res.set('Cache-Control', 'public, max-age=60');
        return publicFormDefinition(deps.config.publicUrl, form);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/public/forms/:publicId/submissions',
      summary:
        'Submit a form (JSON or application/x-www-form-urlencoded). 202 once accepted (the worker ' +
        'stores it moments later); a plain HTML form post gets a 303 to the redirect URL or the ' +
        'hosted thank-you page. JSON posts are served by the fast path (fast-path.ts), same answers.',
      tag: 'public',
      auth: 'public',
      params: publicIdParams,
      status: 202,
      response: submissionAcceptedSchema,
      handler: async ({ req, res, params }) => {
        // The form first, so that even a rate-limited answer carries CORS headers the widget can read.
        const form = await formFor(req, res, params.publicId);
        const body: unknown = req.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new AppError(
            'bad_request',
            'Send the form as JSON or application/x-www-form-urlencoded',
          );
        }
        const result = await acceptSubmission(deps, form, body as Record<string, unknown>, {
          ip: req.ip ?? null,
          userAgent: req.get('user-agent') ?? null,
          refererHeader: req.get('referer') ?? null,
        });
        if (isForm(req)) {
          const thanks = `${deps.config.publicUrl}/api/public/forms/${form.publicId}/thanks${result.confirmationRequired ? '?confirm=1' : ''}`;
          res.redirect(303, form.redirectUrl ?? thanks);
          return ANSWERED;
        }
        return result;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/public/forms/:publicId/thanks',
      summary: 'Hosted thank-you page (HTML) for plain HTML form posts',
      tag: 'public',
      auth: 'public',
      params: publicIdParams,
      query: z.object({ confirm: z.string().optional() }),
      response: HTML_PAGE,
      handler: async ({ res, params, query }) => {
        const body = await thanksMessage(deps.db, params.publicId, Boolean(query.confirm));
        res
          .status(200)
          .type('html')
          .send(page({ title: 'Thank you', heading: 'Thank you!', body }));
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/public/confirm/:token',
      summary: 'Double opt-in confirmation link (HTML page)',
      tag: 'public',
      auth: 'public',
      params: z.object({ token: z.string().min(1).max(4096) }),
      response: HTML_PAGE,
      handler: async ({ res, params }) => {
        const outcome = await confirmLead(deps, params.token);
        const pages = {
          confirmed: [
            200,
            "You're confirmed",
            'Thanks for confirming your email address. You are on the list.',
          ],
          already: [
            200,
            'Already confirmed',
            'Your email address was confirmed before; there is nothing else to do.',
          ],
          expired: [
            410,
            'This link has expired',
            'Confirmation links work for 7 days. Submit the form again to get a new one.',
          ],
          invalid: [
            404,
            'This link is not valid',
            'It may have been copied incompletely. Open it again from the email.',
          ],
        } as const;
        const [status, heading, text] = pages[outcome];
        res
          .status(status)
          .type('html')
          .send(
            page({ title: heading, heading, body: [text], tone: status === 200 ? 'ok' : 'bad' }),
          );
        return undefined;
      },
    }),
  ];
}

/** Errors of a plain HTML form post become a readable page with the same status. */
const htmlErrors: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (!wantsHtml(req)) return next(err);
  const appError = err instanceof AppError ? err : null;
  const status =
    appError?.status ??
    (typeof (err as { status?: unknown }).status === 'number'
      ? (err as { status: number }).status
      : 500);
  if (status >= 500) return next(err);
  if (appError?.headers) res.set(appError.headers);
  const message =
    appError?.message ??
    (status === 413 ? 'The form is too large to send.' : 'The form could not be sent.');
  res
    .status(status)
    .type('html')
    .send(
      page({
        title: 'Please check the form',
        heading: status === 422 ? 'Please check the form' : message,
        body: status === 422 ? ['Go back, correct these fields and send the form again:'] : [],
        list: appError?.details?.map((d) => `${d.field}: ${d.issue}`),
        tone: 'bad',
        back: req.get('referer') ?? null,
      }),
    );
};

/**
 * The router serving publicRoutes, mounted before the api's JSON parser and authenticator: its
 * own small body limit (413), urlencoded bodies, CORS preflight per form, no session handling.
 */
export function publicRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  const bodies: RequestHandler[] = [
    express.json({ limit: SUBMISSION_LIMIT }),
    express.urlencoded({ extended: false, limit: SUBMISSION_LIMIT, parameterLimit: 200 }),
  ];
  // Preflight: answered only for an existing form and an allowed origin.
  router.options('/api/public/forms/:publicId{/submissions}', async (req, res) => {
    const publicId = String(req.params.publicId);
    if (!PUBLIC_ID.test(publicId))
      throw new AppError('not_found', 'This form does not exist or is not accepting submissions');
    const origin = req.get('origin');
    const form = await loadPublicForm(deps, publicId).catch((err: unknown) => {
      // Database down and the form not cached: grant the preflight anyway, so the browser sends
      // the post and the widget can read its 503 + Retry-After (the post checks the origin).
      if (!isDbUnavailable(err)) throw err;
      return 'unknown' as const;
    });
    if (form === 'unknown') {
      applyCors(res, origin);
      return void res.status(204).end();
    }
    if (!form || form.status !== 'enabled')
      throw new AppError('not_found', 'This form does not exist or is not accepting submissions');
    if (!originAllowed(form, origin))
      throw new AppError('forbidden', `This form does not accept submissions from ${origin}`);
    applyCors(res, origin);
    res.status(204).end();
  });
  router.use('/api/public', ...bodies);
  mountRoutes(
    router,
    publicRoutes(deps),
    () => (req, _res, next) => {
      req.auth = null;
      next();
    },
    { checkResponses: deps.config.checkResponses },
  );
  // Body-parser errors (413, 400) happen before any form is known: let the widget read them.
  const corsOnErrors: ErrorRequestHandler = (err, req, res, next) => {
    const status = (err as { status?: unknown }).status;
    if (!res.get('Access-Control-Allow-Origin') && (status === 413 || status === 400))
      applyCors(res, req.get('origin'));
    next(err);
  };
  router.use('/api/public', corsOnErrors, htmlErrors, errorHandler);
  return router;
}
