import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { PaperBallot, PaperPage } from '../../views/paper/paper.tsx';
import { parseBallotForm } from '../ballots/form.ts';
import { acceptsPaperEntry } from '../domain/lifecycle.ts';
import { isOneOf, KEYED_INVALID_REASONS } from '../domain/vocabulary.ts';
import { getElection } from '../elections/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { intField, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser, db, flash, found, idParam, refusing, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { MAX_INT4 } from '../platform/validation.ts';
import { Refused } from '../platform/refusal.ts';
import { splitCodes } from '../domain/codes.ts';
import { isComplete } from './rules.ts';
import { commitPaper, issuePaper, keyPaperBallot, paperReconciliation, recordReturned, type PaperRefusal } from './store.ts';

const ERRORS: Record<Exclude<PaperRefusal, 'not-found'>, MessageKey> = {
  'wrong-state': 'election.stateConflict',
  'not-allowed': 'error.403',
  'beyond-issued': 'paper.error.beyondIssued',
  'beyond-returned': 'paper.error.beyondReturned',
  'bad-marks': 'paper.error.badMarks',
  incomplete: 'paper.error.incomplete',
  'unknown-deputies': 'paper.error.unknownDeputies',
  'bad-codes': 'paper.error.badCodes',
  'unknown-codes': 'paper.error.unknownCodes',
  'returned-exceeds': 'paper.error.returnedExceeds',
};
/** Refusals answered with the page again (422), the typed input kept and the figures named. */
const ASKED_AGAIN: ReadonlySet<PaperRefusal> = new Set(['bad-codes', 'unknown-codes', 'unknown-deputies', 'returned-exceeds']);
const NOTICES: Record<string, MessageKey> = { issued: 'paper.done.issued', returned: 'paper.done.returned', keyed: 'paper.done.keyed', committed: 'paper.committed' };

const electionOr404 = async (c: Ctx) => found(await getElection(db(c), idParam(c)));
const pageOf = (id: number) => `/admin/elections/${id}/paper`;
/** The deputy codes a refusal names (unknown or not eligible), for the page to repeat them. */
const codesOf = (e: { detail: Record<string, unknown> }): Record<string, string> => (Array.isArray(e.detail.codes) ? { codes: e.detail.codes.join(',') } : {});

/** What a refused form brings back to the page: the message, and what was typed. */
interface AskedAgain { error: string; codes?: string; returned?: string; voidHref?: string }

/** The paper page; after a refusal asked again (422), with the message and the typed input. */
async function paperPage(c: Ctx, again?: AskedAgain) {
  const e = await electionOr404(c);
  const r = await paperReconciliation(db(c), e.id);
  const user = currentUser(c);
  const mine = new Set(r.entries.filter((x) => x.clerkUserId === user.id).map((x) => x.seq));
  let myNextSeq = 1;
  while (mine.has(myNextSeq)) myNextSeq++;
  if (again) c.status(422);
  return c.render(<PaperPage v={view(c)} election={e} issued={r.issued} returned={r.returned} reconciliation={r.reconciliation} entries={r.entries}
    myNextSeq={myNextSeq} canCommit={r.returned !== null && isComplete(r.reconciliation, r.returned) && !e.paper_committed_at && acceptsPaperEntry(e.state)}
    notice={again ? undefined : flash(c, NOTICES)} error={again?.error ?? flash(c, ERRORS, 'error', { codes: c.req.query('codes') ?? '' })}
    typed={{ codes: again?.codes, returned: again?.returned }} voidHref={user.roles.includes('secretariat') ? again?.voidHref : undefined} />,
  { title: c.var.t('paper.title') });
}

/**
 * Runs a paper step; a refusal the person can put right by typing again answers 422 with the page,
 * what they typed and the message; any other goes back to the page with `?error=…` as before.
 */
async function askingAgain(c: Ctx, done: string, run: () => Promise<unknown>, typed: Omit<AskedAgain, 'error'>) {
  const id = idParam(c);
  let again: Refused | undefined;
  const answer = await refusing(c, pageOf(id), done, async () => {
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof Refused) || !ASKED_AGAIN.has(e.reason as PaperRefusal)) throw e;
      again = e;
    }
  }, codesOf);
  if (!again) return answer;
  const reason = again.reason as keyof typeof ERRORS;
  const d = again.detail as { codes?: string[]; returned?: number; issued?: number };
  const error = c.var.t(ERRORS[reason], { codes: (d.codes ?? []).join(c.var.lang === 'en' ? ', ' : '、'), returned: d.returned ?? 0, issued: d.issued ?? 0 });
  const voidHref = reason === 'returned-exceeds' ? `/admin/elections/${id}/scrutiny?void=paper-exceeds&returned=${d.returned}#void` : undefined;
  return paperPage(c, { error, ...typed, ...(voidHref ? { voidHref } : {}) });
}

/** Paper ballots: hand-out, the printable ballot paper, count-back, double keying and commit. */
export function paperRoutes() {
  return new Hono<AppEnv>()
    .get('/admin/elections/:id/paper', (c) => paperPage(c))
    .get('/admin/elections/:id/paper/ballot', async (c) => {
      const e = await electionOr404(c);
      return c.render(<PaperBallot v={view(c)} election={e} />, { title: `${c.var.t('paper.sample')} · ${e.title}` });
    })
    .post('/admin/elections/:id/paper/issue', async (c) => {
      const id = idParam(c);
      const typed = textField(await c.req.parseBody(), 'codes');
      return askingAgain(c, 'issued', () => issuePaper(db(c), acting(c), id, splitCodes(typed)), { codes: typed });
    })
    .post('/admin/elections/:id/paper/returned', async (c) => {
      const id = idParam(c);
      const returned = intField(await c.req.parseBody(), 'returned');
      if (!Number.isInteger(returned) || returned < 0 || returned > MAX_INT4) throw new HTTPException(400);
      return askingAgain(c, 'returned', () => recordReturned(db(c), acting(c), id, returned), { returned: String(returned) });
    })
    .post('/admin/elections/:id/paper/entries', async (c) => {
      const e = await electionOr404(c);
      const body = await c.req.parseBody({ all: true });
      const seq = intField(body, 'seq');
      const invalid = textField(body, 'invalid');
      const { seq: _s, invalid: _i, ...rest } = body;
      const form = parseBallotForm(rest);
      if (form.unexpected.length || (invalid !== '' && !isOneOf(KEYED_INVALID_REASONS, invalid))) throw new HTTPException(400);
      const marks = e.options.map((o) => form.choices[o.key] ?? 'N').join('');
      return refusing(c, pageOf(e.id), 'keyed', () => keyPaperBallot(db(c), acting(c), e.id, { seq, marks, invalid: isOneOf(KEYED_INVALID_REASONS, invalid) ? invalid : null }));
    })
    .post('/admin/elections/:id/paper/commit', async (c) => {
      const id = idParam(c);
      return refusing(c, pageOf(id), 'committed', () => commitPaper(db(c), acting(c), id));
    });
}
