// Activation checks: every problem of a campaign at once, each with the path of the builder
// field it belongs to, so the UI can show them in place.
import {
  campaignInputSchema,
  conditionStepConfigSchema,
  emailStepConfigSchema,
  validateMergeTags,
  waitStepConfigSchema,
  type CampaignProblem,
} from '@kindling/shared';

/** What the workspace offers that a campaign may refer to. */
export interface ValidationContext {
  formIds: readonly string[];
  identityIds: readonly string[];
  /** Custom field keys usable as merge tags (built-ins are always known). */
  customFields: readonly string[];
}

/** Lists every problem that blocks activation; an empty list means the campaign can go live. */
export function validateCampaign(input: unknown, ctx: ValidationContext): CampaignProblem[] {
  const problems: CampaignProblem[] = [];
  const parsed = campaignInputSchema.safeParse(input);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }
  const c = parsed.data;
  if (!c.identityId) problems.push({ path: 'identityId', message: 'Choose a sending identity' });
  else if (!ctx.identityIds.includes(c.identityId)) {
    problems.push({ path: 'identityId', message: 'The sending identity no longer exists' });
  }
  if (c.triggers.length === 0) {
    problems.push({
      path: 'triggers',
      message: 'Add at least one trigger (a form, a tag, manual, API or import)',
    });
  }
  c.triggers.forEach((t, i) => {
    if (t.type === 'form_submission' && t.formId && !ctx.formIds.includes(t.formId)) {
      problems.push({ path: `triggers.${i}.formId`, message: 'This form no longer exists' });
    }
  });
  if (!c.steps.some((s) => s.type === 'email'))
    problems.push({ path: 'steps', message: 'Add at least one email step' });

  const ids = c.steps.map((s) => s.id);
  c.steps.forEach((s, i) => {
    const at = `steps.${i}`;
    const label = `Step ${i + 1}`;
    if (s.type === 'email') {
      const cfg = emailStepConfigSchema.parse(s.config);
      if (!cfg.subject.trim())
        problems.push({ path: `${at}.config.subject`, message: `${label}: the subject is empty` });
      if (!cfg.html.replace(/<[^>]*>/g, '').trim()) {
        problems.push({ path: `${at}.config.html`, message: `${label}: the email body is empty` });
      }
      for (const field of ['subject', 'preheader', 'html', 'text'] as const) {
        for (const m of validateMergeTags(cfg[field], ctx.customFields)) {
          problems.push({ path: `${at}.config.${field}`, message: `${label} (${field}): ${m}` });
        }
      }
    } else if (s.type === 'wait') {
      if (!waitStepConfigSchema.safeParse(s.config).success) {
        problems.push({
          path: `${at}.config`,
          message: `${label}: set a duration or a weekday and hour`,
        });
      }
    } else {
      const cfg = conditionStepConfigSchema.parse(s.config);
      if ((cfg.kind === 'opened' || cfg.kind === 'clicked') && cfg.stepId) {
        const j = ids.indexOf(cfg.stepId);
        if (j < 0 || j >= i || c.steps[j]?.type !== 'email') {
          problems.push({
            path: `${at}.config.stepId`,
            message: `${label}: pick an earlier email step`,
          });
        }
      }
      if (cfg.kind === 'has_tag' && !cfg.tag)
        problems.push({ path: `${at}.config.tag`, message: `${label}: name the tag` });
      if (cfg.kind === 'field' && !cfg.field)
        problems.push({ path: `${at}.config.field`, message: `${label}: pick a field` });
      if (
        cfg.kind === 'field' &&
        cfg.field &&
        !['email', 'first_name', 'last_name', 'phone', ...ctx.customFields].includes(cfg.field)
      ) {
        problems.push({
          path: `${at}.config.field`,
          message: `${label}: unknown field "${cfg.field}"`,
        });
      }
      for (const [key, target] of [
        ['yesStepId', cfg.yesStepId],
        ['noStepId', cfg.noStepId],
      ] as const) {
        if (target === 'next' || target === 'end') continue;
        const j = ids.indexOf(target);
        if (j <= i)
          problems.push({
            path: `${at}.config.${key}`,
            message: `${label}: a branch can only jump forward to a later step`,
          });
      }
    }
  });
  return problems;
}
