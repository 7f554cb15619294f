import { Hono, type Context } from 'hono';
import { VerifyPage } from '../../views/ballots/tracker.tsx';
import type { Db } from '../platform/db/index.ts';
import type { AppEnv } from '../platform/http/env.ts';
import type { InvalidReason, Marking } from '../domain/record/format.ts';
import { normaliseTracker } from './tracker.ts';

export interface TrackerLookup {
  tracker: string;
  status: 'recorded';
  election: { id: string; title: string; state: string };
  /** Only once the election is published (the record holds them then): how to read `marks`, … */
  marking?: Marking;
  /** … the ballot's marks, one letter per option, … */
  marks?: string;
  /** … why it was counted invalid, if it was, … */
  invalid?: InvalidReason;
  /** … and the options in ballot order. */
  options?: { id: string; title: string }[];
}

/**
 * What anyone may learn from a tracker: that the ballot is in the box of an election. Its marks are
 * shown only once the result is published (then the record holds them anyway).
 */
export async function lookupTracker(db: Db, raw: string): Promise<TrackerLookup | undefined> {
  const tracker = normaliseTracker(raw);
  if (!tracker) return undefined;
  const row = await db.selectFrom('ballots as b').innerJoin('elections as e', 'e.id', 'b.election_id')
    .select(['e.id', 'e.title', 'e.state']).where('b.tracker', '=', tracker).executeTakeFirst();
  if (row) return { tracker, status: 'recorded', election: { id: String(row.id), title: row.title, state: row.state } };
  // After the seal the ballot lives in sealed_ballots; its marks become public with the record.
  const sealed = await db.selectFrom('sealed_ballots as b').innerJoin('elections as e', 'e.id', 'b.election_id')
    .select(['e.id', 'e.title', 'e.state', 'e.marking', 'b.marks', 'b.invalid']).where('b.tracker', '=', tracker).executeTakeFirst();
  if (!sealed) return undefined;
  const found: TrackerLookup = { tracker, status: 'recorded', election: { id: String(sealed.id), title: sealed.title, state: sealed.state } };
  if (sealed.state !== 'published') return found;
  const options = await db.selectFrom('election_options').select(['key', 'title']).where('election_id', '=', sealed.id).orderBy('position').execute();
  return {
    ...found, marking: sealed.marking, marks: sealed.marks, ...(sealed.invalid ? { invalid: sealed.invalid } : {}),
    options: options.map((o) => ({ id: o.key, title: o.title })),
  };
}

const view = (c: Context<AppEnv>) => ({ lang: c.var.lang, t: c.var.t });

/** Public ballot tracking: /verify (HTML) and /api/trackers/:tracker (JSON). */
export function verifyRoutes() {
  return new Hono<AppEnv>()
    .get('/verify', async (c) => {
      const raw = (c.req.query('tracker') ?? '').slice(0, 40);
      const found = raw ? await lookupTracker(c.var.deps.database.db, raw) : undefined;
      if (raw && !found) c.status(404);
      return c.render(<VerifyPage v={view(c)} query={raw} found={found} />, { title: c.var.t('verify.title') });
    })
    .get('/api/trackers/:tracker', async (c) => {
      const found = await lookupTracker(c.var.deps.database.db, c.req.param('tracker'));
      if (!found) return c.json({ error: c.var.t('verify.notFound'), status: 404 }, 404);
      return c.json(found);
    });
}
