// The builder's form model (friendly to inputs) and its conversion to and from the api's
// campaign document (packages/shared campaignInputSchema).
import type {
  CampaignInput,
  CampaignStepView,
  CampaignTriggerView,
  CampaignViewDocument,
  StepInput,
} from '@kindling/shared';

export type StepType = CampaignStepView['type'];
export const STEP_LABEL: Record<StepType, string> = {
  email: 'Email',
  wait: 'Wait',
  condition: 'Condition',
};
export type WaitUnit = 'minutes' | 'hours' | 'days' | 'weeks';
const UNIT_MIN: Record<WaitUnit, number> = { minutes: 1, hours: 60, days: 1440, weeks: 10080 };

export interface StepForm {
  id: string;
  type: StepType;
  subject: string;
  preheader: string;
  html: string;
  text: string;
  /** The plain text was edited by hand: stop regenerating it from the HTML. */
  textEdited: boolean;
  waitMode: 'duration' | 'until';
  waitAmount: number;
  waitUnit: WaitUnit;
  weekday: number;
  hour: number;
  condKind: 'opened' | 'clicked' | 'has_tag' | 'field';
  condStepId: string;
  condTag: string;
  condField: string;
  condOp: 'equals' | 'contains' | 'exists';
  condValue: string;
  yesStepId: string;
  noStepId: string;
}

export interface TriggerForm {
  type: CampaignTriggerView['type'];
  formId: string;
  tag: string;
}

export interface CampaignForm {
  name: string;
  identityId: string;
  triggers: TriggerForm[];
  steps: StepForm[];
  windowEnabled: boolean;
  windowDays: string[];
  windowStart: number;
  windowEnd: number;
  goalTag: string;
  goalUrl: string;
  allowReenroll: boolean;
  trackOpens: boolean;
  trackClicks: boolean;
}

const uuid = () => crypto.randomUUID();

/** A fresh step of a type, with sensible defaults. */
export function newStep(type: StepType, index = 0): StepForm {
  return {
    id: uuid(),
    type,
    subject: index === 0 ? 'Welcome, {{first_name | default: "there"}}!' : '',
    preheader: '',
    html:
      index === 0
        ? '<p>Hi {{first_name | default: "there"}},</p><p>Thanks for signing up.</p>'
        : '<p></p>',
    text: '',
    textEdited: false,
    waitMode: 'duration',
    waitAmount: 2,
    waitUnit: 'days',
    weekday: 1,
    hour: 9,
    condKind: 'opened',
    condStepId: '',
    condTag: '',
    condField: '',
    condOp: 'equals',
    condValue: '',
    yesStepId: 'next',
    noStepId: 'next',
  };
}

export function emptyCampaign(): CampaignForm {
  return {
    name: '',
    identityId: '',
    triggers: [{ type: 'form_submission', formId: '', tag: '' }],
    steps: [newStep('email', 0)],
    windowEnabled: false,
    windowDays: ['1', '2', '3', '4', '5'],
    windowStart: 9,
    windowEnd: 17,
    goalTag: '',
    goalUrl: '',
    allowReenroll: false,
    trackOpens: true,
    trackClicks: true,
  };
}

function bestUnit(minutes: number): { amount: number; unit: WaitUnit } {
  for (const unit of ['weeks', 'days', 'hours'] as const) {
    if (minutes % UNIT_MIN[unit] === 0) return { amount: minutes / UNIT_MIN[unit], unit };
  }
  return { amount: minutes, unit: 'minutes' };
}

/** A stored step → its form values. */
function stepToForm(s: CampaignStepView): StepForm {
  const base = { ...newStep(s.type, 1), id: s.id };
  if (s.type === 'email') {
    const { subject, preheader, html, text } = s.config;
    return { ...base, subject, preheader, html, text, textEdited: true };
  }
  if (s.type === 'wait') {
    if ('minutes' in s.config) {
      const { amount, unit } = bestUnit(s.config.minutes);
      return { ...base, waitMode: 'duration', waitAmount: amount, waitUnit: unit };
    }
    return { ...base, waitMode: 'until', weekday: s.config.weekday, hour: s.config.hour };
  }
  const c = s.config;
  return {
    ...base,
    condKind: c.kind,
    condStepId: c.stepId ?? '',
    condTag: c.tag ?? '',
    condField: c.field ?? '',
    condOp: c.op ?? 'equals',
    condValue: c.value ?? '',
    yesStepId: c.yesStepId || 'next',
    noStepId: c.noStepId || 'next',
  };
}

/** Stored campaign → form values. */
export function toForm(c: CampaignViewDocument): CampaignForm {
  return {
    name: c.name,
    identityId: c.identityId ?? '',
    triggers: c.triggers.map((t) => ({ type: t.type, formId: t.formId ?? '', tag: t.tag ?? '' })),
    steps: c.steps.map(stepToForm),
    windowEnabled: !!c.sendWindow,
    windowDays: (c.sendWindow?.days ?? [1, 2, 3, 4, 5]).map(String),
    windowStart: c.sendWindow?.startHour ?? 9,
    windowEnd: c.sendWindow?.endHour ?? 17,
    goalTag: c.exitRules.goalTag ?? '',
    goalUrl: c.exitRules.goalUrl ?? '',
    allowReenroll: c.allowReenroll,
    trackOpens: c.trackOpens,
    trackClicks: c.trackClicks,
  };
}

function stepToInput(s: StepForm): StepInput {
  if (s.type === 'email') {
    return {
      id: s.id,
      type: 'email',
      config: { subject: s.subject, preheader: s.preheader, html: s.html, text: s.text },
    };
  }
  if (s.type === 'wait') {
    return {
      id: s.id,
      type: 'wait',
      config:
        s.waitMode === 'duration'
          ? { minutes: Math.max(1, Math.round(Number(s.waitAmount) * UNIT_MIN[s.waitUnit])) }
          : { weekday: Number(s.weekday), hour: Number(s.hour) },
    };
  }
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    id: s.id,
    type: 'condition',
    config: {
      kind: s.condKind,
      stepId: s.condKind === 'opened' || s.condKind === 'clicked' ? opt(s.condStepId) : undefined,
      tag: s.condKind === 'has_tag' ? opt(s.condTag) : undefined,
      field: s.condKind === 'field' ? opt(s.condField) : undefined,
      op: s.condKind === 'field' ? s.condOp : undefined,
      value: s.condKind === 'field' && s.condOp !== 'exists' ? s.condValue : undefined,
      yesStepId: s.yesStepId || 'next',
      noStepId: s.noStepId || 'next',
    },
  };
}

/** Form values → the api's campaign document. */
export function toInput(f: CampaignForm): CampaignInput {
  return {
    name: f.name,
    identityId: f.identityId || null,
    triggers: f.triggers.map((t) => ({
      type: t.type,
      ...(t.type === 'form_submission' && t.formId ? { formId: t.formId } : {}),
      ...(t.type === 'tag_added' ? { tag: t.tag } : {}),
    })),
    steps: f.steps.map(stepToInput),
    sendWindow: f.windowEnabled
      ? {
          days: f.windowDays.map(Number).sort(),
          startHour: Number(f.windowStart),
          endHour: Number(f.windowEnd),
        }
      : null,
    exitRules: {
      unsubscribed: true,
      bounced: true,
      complained: true,
      ...(f.goalTag.trim() ? { goalTag: f.goalTag.trim() } : {}),
      ...(f.goalUrl.trim() ? { goalUrl: f.goalUrl.trim() } : {}),
    },
    allowReenroll: f.allowReenroll,
    trackOpens: f.trackOpens,
    trackClicks: f.trackClicks,
  };
}

/** Badge tone of a campaign's or an enrollment's status. */
export const STATUS_TONE: Record<string, 'neutral' | 'success' | 'warning'> = {
  draft: 'neutral',
  active: 'success',
  paused: 'warning',
  archived: 'neutral',
  completed: 'neutral',
  exited: 'neutral',
};

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** One line describing a step, for lists and stats. */
export function describeStep(s: CampaignStepView): string {
  if (s.type === 'email') return s.config.subject || '(no subject)';
  if (s.type === 'wait') {
    const c = s.config;
    if ('minutes' in c) {
      const { amount, unit } = bestUnit(c.minutes);
      return `Wait ${amount} ${amount === 1 ? unit.slice(0, -1) : unit}`;
    }
    return `Wait until ${WEEKDAYS[c.weekday - 1] ?? '?'} ${String(c.hour).padStart(2, '0')}:00`;
  }
  const c = s.config;
  if (c.kind === 'opened' || c.kind === 'clicked')
    return `If the lead ${c.kind} ${c.stepId ? 'an earlier email' : 'any email'}`;
  if (c.kind === 'has_tag') return `If tagged "${c.tag ?? ''}"`;
  return `If ${c.field ?? ''} ${c.op ?? ''} ${c.op === 'exists' ? '' : `"${c.value ?? ''}"`}`.trim();
}
