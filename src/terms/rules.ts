import { z } from 'zod';
import { isoDate, nameText } from '../platform/validation.ts';

/** A term (届) of the congress, as the secretariat enters it. */
export const termInput = z.object({
  name: nameText(100),
  // A congress's term: 第十四届 is 14. Bounded, so that no typo reaches the database as an overflow.
  ordinal: z.number({ error: 'validation.integer' }).int('validation.integer').min(1, 'validation.positive').max(999, 'validation.tooLarge'),
  startsOn: isoDate,
  endsOn: isoDate,
}).refine((t) => t.startsOn <= t.endsOn, { message: 'validation.dateOrder', path: ['endsOn'] });
export type TermInput = z.input<typeof termInput>;

/** One deputy of a term's roster, however it arrives (the roster CSV, the demo, tests). */
export const deputyInput = z.object({
  code: z.string().trim().min(1, 'validation.required').max(32, 'validation.tooLong')
    .regex(/^[A-Za-z0-9_-]+$/, 'validation.code'),
  name: nameText(50),
  delegation: nameText(50),
  standingCommittee: z.boolean().default(false),
  phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, 'validation.phone').nullable().default(null),
});
export type DeputyInput = z.input<typeof deputyInput>;
