import { z } from 'zod';
import { emailSchema } from './auth.js';

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'Enter a domain such as mail.example.com',
  );

/** smtp://user:pass@host:port or smtps://...; empty = the built-in dev mail catcher. */
export const smtpUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    if (v === '') return true;
    try {
      const u = new URL(v);
      return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && !!u.hostname;
    } catch {
      return false;
    }
  }, 'Use smtp://user:password@host:587 or smtps://user:password@host:465 (leave empty for the dev mail catcher)');

/** Relays with a webhook adapter (packages/sending/src/relays). */
export const RELAY_ADAPTER_KINDS = ['mailgun', 'postmark', 'sendgrid', 'brevo', 'resend'] as const;
/** What an identity's relay is: `none` (VERP return path only), SES (its SNS endpoint) or one above. */
export const RELAY_KINDS = ['none', 'ses', ...RELAY_ADAPTER_KINDS] as const;
export const relayKindSchema = z.enum(RELAY_KINDS);
export type RelayKind = z.infer<typeof relayKindSchema>;

const poolLabel = z
  .string()
  .trim()
  .min(1, 'Name the IP pool')
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'Letters, digits, dot, dash and underscore only');

export const createIdentitySchema = z.object({
  name: z.string().trim().min(1, 'Name this identity').max(100),
  fromName: z.string().trim().min(1, 'Enter a from name').max(100),
  fromEmail: emailSchema,
  replyTo: z.union([emailSchema, z.literal('')]).optional(),
  smtpUrl: smtpUrlSchema.optional(),
  poolSize: z.coerce.number().int().min(1, 'At least 1').max(50, 'At most 50').default(5),
  ipPool: poolLabel.default('shared'),
  returnPathDomain: z.union([domain, z.literal('')]).optional(),
  dkimSelector: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{1,63}$/i, 'Letters, digits and dashes')
    .optional(),
  /** Generate a DKIM key pair for the from address's domain. */
  generateDkim: z.boolean().default(true),
  /** The relay that reports this identity's bounces and complaints to its own webhook. */
  relayKind: relayKindSchema.optional(),
  /**
   * The provider's webhook key (Mailgun signing key, SendGrid verification key, Resend whsec_
   * secret); empty clears it. Postmark and Brevo sign nothing: Kindling generates their token.
   */
  relayKey: z.string().trim().max(4000, 'At most 4000 characters').optional(),
  /** Generate a new webhook token (Postmark, Brevo): the old URL stops working. */
  rotateRelayToken: z.boolean().optional(),
});
export type CreateIdentityInput = z.input<typeof createIdentitySchema>;

export const updateIdentitySchema = createIdentitySchema.omit({ generateDkim: true }).partial();
export type UpdateIdentityInput = z.input<typeof updateIdentitySchema>;

export const providerCapsSchema = z
  .object({
    gmail: z.number().min(0).max(1),
    microsoft: z.number().min(0).max(1),
    yahoo: z.number().min(0).max(1),
    apple: z.number().min(0).max(1),
    other: z.number().min(0).max(1),
  })
  .partial();

export const updateWarmupSchema = z
  .object({
    enabled: z.boolean(),
    startVolume: z.coerce.number().int().min(1).max(1_000_000),
    growthFactor: z.coerce.number().min(1).max(3),
    targetVolume: z.coerce.number().int().min(1).max(10_000_000),
    schedule: z.array(z.number().int().min(0).max(10_000_000)).max(365),
    providerCaps: providerCapsSchema,
    sendStartHour: z.coerce.number().int().min(0).max(23),
    sendEndHour: z.coerce.number().int().min(1).max(24),
    complaintWarn: z.coerce.number().min(0).max(1),
    complaintPause: z.coerce.number().min(0).max(1),
    bounceWarn: z.coerce.number().min(0).max(1),
    bouncePause: z.coerce.number().min(0).max(1),
  })
  .partial()
  .refine(
    (v) =>
      v.sendStartHour === undefined ||
      v.sendEndHour === undefined ||
      v.sendEndHour > v.sendStartHour,
    {
      message: 'Sending hours must end after they start',
      path: ['sendEndHour'],
    },
  );
export type UpdateWarmupInput = z.input<typeof updateWarmupSchema>;

export const sendTestSchema = z.object({
  identityId: z.uuid().optional(),
  toEmail: emailSchema,
});
export type SendTestInput = z.input<typeof sendTestSchema>;

const reviewIdsSchema = z.array(z.uuid()).min(1).max(500);
export const requeueReviewSchema = z.object({ ids: reviewIdsSchema });
export type RequeueReviewInput = z.input<typeof requeueReviewSchema>;
export const dismissReviewSchema = z.object({
  ids: reviewIdsSchema,
  reason: z.string().trim().min(1, 'Say why it needs no re-send').max(300),
});
export type DismissReviewInput = z.input<typeof dismissReviewSchema>;
