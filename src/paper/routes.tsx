import { Hono } from 'hono';
import { electionOr404 } from '../elections/routes.tsx';
import { HTTPException } from 'hono/http-exception';
import { confirmFirst } from '../../views/components/confirm.tsx';
import { keyingChanges, keyingText, PaperBallot, PaperListPage, PaperPage } from '../../views/paper/paper.tsx';
import { parseBallotForm } from '../ballots/form.ts';
import { acceptsBallots, acceptsPaperEntry } from '../domain/lifecycle.ts';
import { isOneOf, KEYED_INVALID_REASONS, type Role } from '../domain/vocabulary.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { intField, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser, db, flash, idParam, refusing, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { MAX_INT4 } from '../platform/validation.ts';
import { Refused } from '../platform/refusal.ts';
import { splitCodes } from '../domain/codes.ts';
import { awaitingSecond, isComplete, type Keying, nextSheetFor, notYetKeyed, sameKeying } from './rules.ts';
import {
  commitPaper, issuePaper, keyingList, keyPaperBallot, ownEntry, paperHolders, paperReconciliation, previewIssue, recordReturned, type PaperRefusal, unissuePaper,
} from './store.ts';

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
  'keyed-twice': 'paper.error.keyedTwice',
  changed: 'paper.error.changed',
  'not-issued': 'paper.error.notIssued',
};
/** Refusals answered with the page again (422), the typed input kept and the figures named. */
const ASKED_AGAIN: ReadonlySet<PaperRefusal> = new Set(['bad-codes', 'unknown-codes', 'unknown-deputies', 'returned-exceeds']);
const NOTICES: Record<string, MessageKey> = { unissued: 'paper.done.unissued', issued: 'paper.done.issued', returned: 'paper.done.returned', keyed: 'paper.done.keyed', rekeyed: 'paper.done.rekeyed', committed: 'paper.committed' };

const pageOf = (id: number) => `/admin/elections/${id}/paper`;
/** The deputy codes a refusal names (unknown or not eligible), for the page to repeat them. */
const codesOf = (e: { detail: Record<string, unknown> }): Record<string, string> => (Array.isArray(e.detail.codes) ? { codes: e.detail.codes.join(',') } : {});

/** What a refused form brings back to the page: the message, and what was typed. */
interface AskedAgain { error: string; codes?: string; returned?: string; voidHref?: string }

/** The paper page; after a refusal asked again (422), with the message and the typed input. */
async function paperPage(c: Ctx, again?: AskedAgain) {
  const e = await electionOr404(c);
  const user = currentUser(c);
  const [r, holders] = await Promise.all([
    paperReconciliation(db(c), e.id), user.roles.includes('secretariat') && acceptsBallots(e.state) ? paperHolders(db(c), e.id) : [],
  ]);
  const has = (role: Role) => user.roles.includes(role);
  const returned = r.returned ?? 0;
  if (again) c.status(422);
  return c.render(<PaperPage v={view(c)} election={e} issued={r.issued} returned={r.returned} reconciliation={r.reconciliation} entries={r.entries}
    myNextSeq={nextSheetFor(r.entries, user.id, returned)} awaiting={awaitingSecond(r.entries, returned)} notYet={notYetKeyed(r.entries, returned)}
    can={{ issue: has('secretariat'), count: has('secretariat'), key: has('clerk'), seeAll: has('secretariat') || has('scrutineer') }}
    canCommit={has('secretariat') && r.returned !== null && isComplete(r.reconciliation, r.returned) && !e.paper_committed_at && acceptsPaperEntry(e.state)}
    notice={again ? undefined : flash(c, NOTICES)} error={again?.error ?? flash(c, ERRORS, 'error', { codes: c.req.query('codes') ?? '' })}
    holders={holders} typed={{ codes: again?.codes, returned: again?.returned }} voidHref={user.roles.includes('secretariat') ? again?.voidHref : undefined} />,
  { title: c.var.t('paper.title') });
}

/**
 * Runs a paper step; a refusal the person can put right by typing again answers 422 with the page,
 * what they typed and the message; any other goes back to the page with `?error=…` as before.
 */
async function askingAgain(c: Ctx, done: string, run: () => Promise<unknown>, typed: Omit<AskedAgain, 'error'>) {
  const id = idParam(c);
  let again: Refused | undefined;
  let asked: Response | undefined;
  const answer = await refusing(c, pageOf(id), done, async () => {
    try {
      const result = await run();
      // A confirmation page: the step has not run yet.
      if (result instanceof Response) asked = result;
      return result;
    } catch (e) {
      if (!(e instanceof Refused) || !ASKED_AGAIN.has(e.reason as PaperRefusal)) throw e;
      again = e;
    }
  }, codesOf);
  if (asked) return asked;
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
    .get('/paper', async (c) => c.render(<PaperListPage v={view(c)} elections={await keyingList(db(c))} />, { title: c.var.t('paper.listTitle') }))
    .get('/admin/elections/:id/paper', (c) => paperPage(c))
    .get('/admin/elections/:id/paper/ballot', async (c) => {
      const e = await electionOr404(c);
      return c.render(<PaperBallot v={view(c)} election={e} />, { title: `${c.var.t('paper.sample')} · ${e.title}` });
    })
    .post('/admin/elections/:id/paper/issue', async (c) => {
      const id = idParam(c);
      const form = await c.req.parseBody();
      const typed = textField(form, 'codes');
      const { t } = view(c);
      return askingAgain(c, 'issued', async () => {
        // Checked as the hand-out checks them, then confirmed: handing out a paper ballot cannot be undone.
        const codes = await previewIssue(db(c), acting(c), id, splitCodes(typed));
        const listed = codes.join(c.var.lang === 'en' ? ', ' : '、');
        const asked = codes.length === 0 ? undefined : confirmFirst(c, form, {
          title: t('paper.ask.issue.title'), button: t('paper.ask.issue.button'), back: pageOf(id),
          consequences: [t('paper.ask.issue.what', { count: codes.length, codes: listed }), t('paper.ask.issue.final', { codes: listed })],
          facts: { codes: codes.join(' ') }, carry: { codes: typed },
        });
        return asked ? await asked : issuePaper(db(c), acting(c), id, splitCodes(typed));
      }, { codes: typed });
    })
    .post('/admin/elections/:id/paper/unissue', async (c) => {
      const e = await electionOr404(c);
      const form = await c.req.parseBody();
      const code = textField(form, 'code').trim();
      const holder = (await paperHolders(db(c), e.id)).find((h) => h.code.toLowerCase() === code.toLowerCase());
      const { t } = view(c);
      // Asked first only for a deputy who holds a paper ballot of an open vote; anything else is refused at once, naming the code.
      const asked = holder && acceptsBallots(e.state) ? confirmFirst(c, form, {
        title: t('paper.ask.unissue.title'), button: t('paper.ask.unissue.button'), back: pageOf(e.id),
        consequences: [t('paper.ask.unissue.what', { code: holder.code, name: holder.name }), t('paper.ask.unissue.final')],
        facts: { code: holder.code, state: e.state }, carry: { code },
      }) : undefined;
      return asked ?? refusing(c, pageOf(e.id), 'unissued', () => unissuePaper(db(c), acting(c), e.id, code), codesOf);
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
      const choices = Object.fromEntries(Object.entries(body).filter(([k]) => !['seq', 'invalid', 'confirm'].includes(k) && !k.startsWith('fact.')));
      const form = parseBallotForm(choices);
      if (form.unexpected.length || (invalid !== '' && !isOneOf(KEYED_INVALID_REASONS, invalid))) throw new HTTPException(400);
      const marks = e.options.map((o) => form.choices[o.key] ?? 'N').join('');
      const entry = { seq, marks, invalid: isOneOf(KEYED_INVALID_REASONS, invalid) ? invalid : null };
      // Keying a sheet again replaces the clerk's own entry: the change is shown and confirmed first.
      const before = await ownEntry(db(c), e.id, currentUser(c).id, seq);
      if (before && !sameKeying(before, entry)) {
        const v = view(c);
        const asked = confirmFirst(c, body, {
          title: v.t('paper.ask.rekey.title', { seq }), button: v.t('paper.ask.rekey.button'), back: pageOf(e.id),
          consequences: [
            v.t('paper.ask.rekey.before', { keyed: keyingText(v, e, before) }), v.t('paper.ask.rekey.after', { keyed: keyingText(v, e, entry) }),
            v.t('paper.ask.rekey.changes', { changes: keyingChanges(v, e, before, entry).join(v.lang === 'en' ? '; ' : '；') }), v.t('paper.ask.rekey.audited'),
          ],
          facts: { seq, before: keyingFact(before) },
          carry: { seq: String(seq), invalid, ...(choices as Record<string, string>) },
        });
        if (asked) return asked;
      }
      return refusing(c, pageOf(e.id), before && !sameKeying(before, entry) ? 'rekeyed' : 'keyed', () => keyPaperBallot(db(c), acting(c), e.id, entry, before));
    })
    .post('/admin/elections/:id/paper/commit', async (c) => {
      const e = await electionOr404(c);
      const r = await paperReconciliation(db(c), e.id);
      // Nothing to confirm while the box cannot take them: the step refuses as it did.
      if (r.returned === null || !isComplete(r.reconciliation, r.returned) || e.paper_committed_at || !acceptsPaperEntry(e.state)) {
        return refusing(c, pageOf(e.id), 'committed', () => commitPaper(db(c), acting(c), e.id));
      }
      const count = r.reconciliation.agreed.length;
      const { t } = view(c);
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('paper.ask.commit.title'), button: t('paper.ask.commit.button'), back: pageOf(e.id),
        consequences: [t('paper.ask.commit.what', { count, returned: r.returned }), t('paper.ask.commit.final')],
        facts: { ballots: count, returned: r.returned },
      });
      return asked ?? refusing(c, pageOf(e.id), 'committed', () => commitPaper(db(c), acting(c), e.id, count));
    });
}

/** A keying as a confirmation's figure: what it must still be when the confirmation comes back. */
const keyingFact = (k: Keying) => `${k.marks}|${k.invalid ?? ''}`;
