import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { PaperBallot, PaperPage } from '../../views/paper/paper.tsx';
import type { Acting } from '../audit/store.ts';
import { parseBallotForm } from '../ballots/form.ts';
import { getElection } from '../elections/queries.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { intField, textField } from '../platform/http/forms.ts';
import { parseId } from '../platform/http/params.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { isComplete } from './rules.ts';
import { commitPaper, issuePaper, keyPaperBallot, PaperError, paperReconciliation, recordReturned, type PaperRefusal } from './store.ts';

const view = (c: Context<AppEnv>) => ({ lang: c.var.lang, t: c.var.t });
const acting = (c: Context<AppEnv>): Acting => ({ clock: c.var.deps.clock, actor: { userId: c.var.user!.id, name: c.var.user!.username } });

const ERRORS: Record<PaperRefusal, MessageKey> = {
  'not-found': 'error.404',
  'wrong-state': 'election.stateConflict',
  'beyond-issued': 'paper.error.beyondIssued',
  'beyond-returned': 'paper.error.beyondReturned',
  'bad-marks': 'paper.error.badMarks',
  incomplete: 'paper.error.incomplete',
  'unknown-deputies': 'paper.error.unknownDeputies',
};
const NOTICES: Record<string, MessageKey> = { issued: 'paper.done.issued', returned: 'paper.done.returned', keyed: 'paper.done.keyed', committed: 'paper.committed', voided: 'paper.done.voided' };

async function electionOr404(c: Context<AppEnv>) {
  const id = parseId(c.req.param('id'));
  const e = id === undefined ? undefined : await getElection(c.var.deps.database.db, id);
  if (!e) throw new HTTPException(404);
  return e;
}

/** Runs a paper step; a refusal goes back to the paper page with its translated reason. */
async function step(c: Context<AppEnv>, id: number, run: () => Promise<string>) {
  try {
    const done = await run();
    return c.redirect(`/admin/elections/${id}/paper?done=${done}`, 303);
  } catch (e) {
    if (!(e instanceof PaperError)) throw e;
    const detail = e.reason === 'unknown-deputies' ? `&codes=${encodeURIComponent(String((e.detail.codes as string[]).join(',')))}` : '';
    return c.redirect(`/admin/elections/${id}/paper?error=${e.reason}${detail}`, 303);
  }
}

/** Paper ballots: hand-out, the printable ballot paper, count-back, double keying and commit. */
export function paperRoutes() {
  return new Hono<AppEnv>()
    .get('/admin/elections/:id/paper', async (c) => {
      c.header('Cache-Control', 'no-store');
      const e = await electionOr404(c);
      const { db } = c.var.deps.database;
      const r = await paperReconciliation(db, e.id);
      const mine = new Set(r.entries.filter((x) => x.clerkUserId === c.var.user!.id).map((x) => x.seq));
      let myNextSeq = 1;
      while (mine.has(myNextSeq)) myNextSeq++;
      const error = c.req.query('error') as PaperRefusal | undefined;
      const notice = NOTICES[c.req.query('done') ?? ''];
      return c.render(<PaperPage v={view(c)} election={e} issued={r.issued} returned={r.returned} reconciliation={r.reconciliation} entries={r.entries}
        myNextSeq={myNextSeq} canCommit={r.returned !== null && isComplete(r.reconciliation, r.returned) && !e.paper_committed_at && e.state === 'closed'}
        notice={notice ? c.var.t(notice) : undefined}
        error={error && ERRORS[error] ? c.var.t(ERRORS[error], { codes: c.req.query('codes') ?? '' }) : undefined} />, { title: c.var.t('paper.title') });
    })
    .get('/admin/elections/:id/paper/ballot', async (c) => {
      const e = await electionOr404(c);
      return c.render(<PaperBallot v={view(c)} election={e} />, { title: `${c.var.t('paper.sample')} · ${e.title}` });
    })
    .post('/admin/elections/:id/paper/issue', async (c) => {
      const e = await electionOr404(c);
      const codes = textField(await c.req.parseBody(), 'codes').split(/[\s,,、;;]+/).map((x) => x.trim()).filter(Boolean);
      return step(c, e.id, async () => { await issuePaper(c.var.deps.database.db, acting(c), e.id, codes); return 'issued'; });
    })
    .post('/admin/elections/:id/paper/returned', async (c) => {
      const e = await electionOr404(c);
      const returned = intField(await c.req.parseBody(), 'returned');
      if (!Number.isInteger(returned) || returned < 0) throw new HTTPException(400);
      return step(c, e.id, async () => ((await recordReturned(c.var.deps.database.db, acting(c), e.id, returned)).voided ? 'voided' : 'returned'));
    })
    .post('/admin/elections/:id/paper/entries', async (c) => {
      const e = await electionOr404(c);
      const body = await c.req.parseBody({ all: true });
      const seq = intField(body, 'seq');
      const invalid = textField(body, 'invalid');
      const { seq: _s, invalid: _i, ...rest } = body;
      const form = parseBallotForm(rest);
      if (form.unexpected.length || (invalid !== '' && invalid !== 'unreadable' && invalid !== 'other')) throw new HTTPException(400);
      const marks = e.options.map((o) => form.choices[o.key] ?? 'N').join('');
      return step(c, e.id, async () => {
        await keyPaperBallot(c.var.deps.database.db, acting(c), e.id, { seq, marks, invalid: (invalid || null) as 'unreadable' | 'other' | null });
        return 'keyed';
      });
    })
    .post('/admin/elections/:id/paper/commit', async (c) => {
      const e = await electionOr404(c);
      return step(c, e.id, async () => { await commitPaper(c.var.deps.database.db, acting(c), e.id); return 'committed'; });
    });
}
