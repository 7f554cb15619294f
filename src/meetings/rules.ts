import { z } from 'zod';
import { CATEGORIES } from '../domain/vocabulary.ts';
import { isoDate, MAX_INT4, nameText, requiredText as text } from '../platform/validation.ts';

export const meetingInput = z.object({
  termId: z.number().int().positive().max(MAX_INT4),
  title: nameText(200),
  sessionOrdinal: z.number({ error: 'validation.integer' }).int('validation.integer').min(1, 'validation.positive').max(999, 'validation.tooLarge'),
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
  leadDepartment: nameText(100),
  // A department ticked (or listed) twice is one co-department.
  coDepartments: z.array(nameText(100)).max(20, 'validation.tooMany').default([]).transform((names) => [...new Set(names)]),
  leadOfficial: nameText(100),
}).refine((c) => !c.coDepartments.includes(c.leadDepartment), {
  message: 'validation.coDepartmentIsLead', path: ['coDepartments'],
});
export type CandidateInput = z.input<typeof candidateInput>;

