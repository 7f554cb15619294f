import { Hono, type Context } from 'hono';
import { VerifyPage } from '../../views/verify/verify.tsx';
import type { Db } from '../db/index.ts';
import type { AppEnv } from '../http/env.ts';
import { normaliseTracker } from './tracker.ts';

export interface TrackerLookup {
  tracker: string;
  status: 'recorded';
  election: { id: string; title: string; state: string };
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
  return row && { tracker, status: 'recorded', election: { id: String(row.id), title: row.title, state: row.state } };
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
