import { z } from 'zod';


/** Project categories (DOMAIN.md); the migration's check constraint holds the same list. */
export const CATEGORIES = [
  'rural-revitalisation', 'social-security', 'employment', 'science-education', 'culture-sports',
  'health', 'municipal-construction', 'urban-management', 'environment', 'housing',
  'social-governance', 'public-safety', 'public-transport',
] as const;
export type Category = (typeof CATEGORIES)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.date').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}, 'validation.date');

const text = (max: number) => z.string().trim().min(1, 'validation.required').max(max, 'validation.tooLong');

export const termInput = z.object({
  name: text(100),
  ordinal: z.number({ error: 'validation.integer' }).int('validation.integer').min(1, 'validation.positive'),
  startsOn: isoDate,
  endsOn: isoDate,
}).refine((t) => t.startsOn <= t.endsOn, { message: 'validation.dateOrder', path: ['endsOn'] });
export type TermInput = z.input<typeof termInput>;

export const meetingInput = z.object({
  termId: z.number().int().positive(),
  title: text(200),
  sessionOrdinal: z.number({ error: 'validation.integer' }).int('validation.integer').min(1, 'validation.positive'),
  year: z.number({ error: 'validation.integer' }).int('validation.integer').min(2000, 'validation.year').max(2200, 'validation.year'),
  startsOn: isoDate,
  endsOn: isoDate,
  sharedTablets: z.boolean().default(true),
}).refine((m) => m.startsOn <= m.endsOn, { message: 'validation.dateOrder', path: ['endsOn'] });
export type MeetingInput = z.input<typeof meetingInput>;

export const candidateInput = z.object({
  name: text(100),
  category: z.enum(CATEGORIES, { error: 'validation.category' }),
  description: text(5000),
  targets: z.array(text(300)).min(1, 'validation.targets').max(20, 'validation.tooMany'),
  totalInvestmentYuan: z.number({ error: 'validation.integer' }).int('validation.integer').min(0, 'validation.nonNegative')
    .max(1e13, 'validation.tooLarge').nullable(),
  deadline: isoDate,
  leadDepartment: text(100),
  coDepartments: z.array(text(100)).max(20, 'validation.tooMany').default([]),
  leadOfficial: text(100),
}).refine((c) => !c.coDepartments.includes(c.leadDepartment), {
  message: 'validation.coDepartmentIsLead', path: ['coDepartments'],
});
export type CandidateInput = z.input<typeof candidateInput>;

export const deputyInput = z.object({
  code: z.string().trim().min(1, 'validation.required').max(32, 'validation.tooLong')
    .regex(/^[A-Za-z0-9_-]+$/, 'validation.code'),
  name: text(50),
  delegation: text(50),
  standingCommittee: z.boolean().default(false),
  phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, 'validation.phone').nullable().default(null),
});
export type DeputyInput = z.input<typeof deputyInput>;
