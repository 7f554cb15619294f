import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AnnouncementPage } from '../../views/results/announcement.tsx';
import { ResultPage } from '../../views/results/result.tsx';
import { recordSummary, type RecordSummary } from '../counting/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { parseId } from '../platform/http/params.ts';
import { keyFingerprint } from '../domain/record/digest.ts';
import { listContaining, meetingChosenProjects } from './chosen.ts';
import { resultCsv } from './csv.ts';
import { isSelecting } from './present.ts';

const view = (c: Context<AppEnv>) => ({ lang: c.var.lang, t: c.var.t });

/**
 * Published results never change, but these pages speak the reader's language (a cookie) and show
 * who is signed in: cache them briefly, per browser only.
 */
function cacheBriefly(c: Context<AppEnv>) {
  c.header('Cache-Control', 'private, max-age=60');
  c.header('Vary', 'Cookie', { append: true });
}

/** A published vote and its record, or 404: nothing of a draft, open, sealed, certified or void vote is public here. */
async function publishedOr404(c: Context<AppEnv>): Promise<{ id: number; meetingId: number; runoffOf: number | null; record: RecordSummary & { publishedAt: Date; signature: NonNullable<RecordSummary['signature']> } }> {
  const id = parseId(c.req.param('id'));
  const { db } = c.var.deps.database;
  const e = id === undefined ? undefined
    : await db.selectFrom('elections').select(['id', 'state', 'meeting_id', 'runoff_of']).where('id', '=', id).executeTakeFirst();
  if (!e || e.state !== 'published') throw new HTTPException(404);
  const record = await recordSummary(db, e.id);
  if (!record?.publishedAt || !record.signature) throw new HTTPException(404);
  return { id: e.id, meetingId: e.meeting_id, runoffOf: e.runoff_of, record: { ...record, publishedAt: record.publishedAt, signature: record.signature } };
}

/** The public result of a vote: the page, its CSV and the printable 公告; 404 until published. */
export function resultRoutes() {
  return new Hono<AppEnv>()
    .get('/elections/:id/result', async (c) => {
      const { id, meetingId, runoffOf, record } = await publishedOr404(c);
      const { db } = c.var.deps.database;
      const body = record.body;
      // The meeting's final list, shown when this vote alone does not tell it: a runoff decided part of
      // it, or this is a runoff. (A tie still waiting for its runoff is told by the tie notice.)
      let finalList;
      if (isSelecting(body.election.kind)) {
        const list = listContaining(await meetingChosenProjects(db, meetingId), id);
        if (list && (list.runoffs.length > 0 || body.election.kind === 'runoff')) finalList = list;
      }
      const parent = runoffOf === null ? undefined
        : await db.selectFrom('elections').select(['id', 'title']).where('id', '=', runoffOf).where('state', '=', 'published').executeTakeFirst();
      cacheBriefly(c);
      return c.render(
        <ResultPage v={view(c)} electionId={id} meetingId={meetingId} record={record}
          fingerprint={keyFingerprint(Buffer.from(record.signature.publicKey, 'base64'))}
          recordUrl={new URL(`/elections/${id}/record.json`, c.var.deps.config.publicUrl).href}
          {...(finalList ? { finalList } : {})} {...(parent ? { resolves: parent } : {})} />,
        { title: `${body.election.title} · ${c.var.t('result.pageTitle')}` },
      );
    })
    .get('/elections/:id/result.csv', async (c) => {
      const { id, record } = await publishedOr404(c);
      cacheBriefly(c);
      c.header('Content-Disposition', `attachment; filename="election-${id}-result.csv"`);
      return c.body(resultCsv(record.body, c.var.t), 200, { 'Content-Type': 'text/csv; charset=UTF-8' });
    })
    .get('/elections/:id/announcement', async (c) => {
      const { id, record } = await publishedOr404(c);
      cacheBriefly(c);
      return c.render(<AnnouncementPage v={view(c)} electionId={id} body={record.body} publishedAt={record.publishedAt} />,
        { title: c.var.t('announcement.pageTitle', { meeting: record.body.election.meeting.title }) });
    });
}
