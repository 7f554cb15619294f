import { Hono } from 'hono';
import { AnnouncementPage } from '../../views/results/announcement.tsx';
import { ResultPage } from '../../views/results/result.tsx';
import { keyFingerprint } from '../domain/record/digest.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { type Ctx, db, found, idParam, view } from '../platform/http/kit.ts';
import { resultCsv } from './csv.ts';
import { isSelecting } from './present.ts';
import { listContaining } from './rules.ts';
import { meetingChosenProjects, publishedParent, publishedVote } from './store.ts';
import { projectLinks } from '../projects/public-store.ts';

/**
 * Published results never change, but these pages speak the reader's language (a cookie) and show
 * who is signed in: cache them briefly, per browser only.
 */
function cacheBriefly(c: Ctx) {
  c.header('Cache-Control', 'private, max-age=60');
  c.header('Vary', 'Cookie', { append: true });
}

/** A published vote and its record, or 404: nothing of a draft, open, sealed, certified or void vote is public here. */
async function publishedOr404(c: Ctx) {
  return found(await publishedVote(db(c), idParam(c)));
}

/** The public result of a vote: the page, its CSV and the printable 公告; 404 until published. */
export function resultRoutes() {
  return new Hono<AppEnv>()
    .get('/elections/:id/result', async (c) => {
      const { id, meetingId, runoffOf, record } = await publishedOr404(c);
      const body = record.body;
      // The meeting's final list, shown when this vote alone does not tell it: a runoff decided part of
      // it, or this is a runoff. (A tie still waiting for its runoff is told by the tie notice.)
      let finalList;
      if (isSelecting(body.election.kind)) {
        const list = listContaining(await meetingChosenProjects(db(c), meetingId), id);
        if (list && (list.runoffs.length > 0 || body.election.kind === 'runoff')) finalList = list;
      }
      const parent = await publishedParent(db(c), runoffOf);
      const projects = isSelecting(body.election.kind) ? await projectLinks(db(c), meetingId) : {};
      cacheBriefly(c);
      return c.render(
        <ResultPage v={view(c)} electionId={id} meetingId={meetingId} record={record}
          fingerprint={keyFingerprint(Buffer.from(record.signature.publicKey, 'base64'))}
          recordUrl={new URL(`/elections/${id}/record.json`, c.var.deps.config.publicUrl).href}
          {...(finalList ? { finalList } : {})} {...(parent ? { resolves: parent } : {})} projects={projects} />,
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
