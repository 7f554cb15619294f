import { Hono } from 'hono';
import { CandidatePage } from '../../views/meetings/candidate.tsx';
import { HomePage } from '../../views/meetings/home.tsx';
import { MeetingPage } from '../../views/meetings/meeting.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { parseId } from '../platform/http/params.ts';
import { electionsByMeeting, listElections } from '../elections/queries.ts';
import { meetingChosenProjects } from '../results/chosen.ts';
import { getCandidate, getMeeting, listCandidates, listMeetings } from './store.ts';

/** Public pages about meetings and their candidates; no sign-in needed. */
export function meetingRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { db } = c.var.deps.database;
      const meetings = await listMeetings(db);
      const [current, ...past] = meetings;
      const candidates = current ? await listCandidates(db, current.id) : [];
      const v = { lang: c.var.lang, t: c.var.t };
      return c.render(<HomePage v={v} current={current} candidates={candidates} past={past} />, { title: c.var.t('home.title') });
    })
    .get('/meetings/:id', async (c) => {
      const id = parseId(c.req.param('id'));
      const { db } = c.var.deps.database;
      const meeting = id === undefined ? undefined : await getMeeting(db, id);
      if (!meeting) return c.notFound();
      const candidates = await listCandidates(db, meeting.id);
      const elections = await listElections(db, meeting.id);
      const chosen = await meetingChosenProjects(db, meeting.id);
      return c.render(<MeetingPage v={{ lang: c.var.lang, t: c.var.t }} meeting={meeting} candidates={candidates}
        elections={elections.map((e) => ({ id: e.id, title: e.title, kind: e.kind, state: e.state }))} chosen={chosen} />, { title: meeting.title });
    })
    .get('/candidates/:id', async (c) => {
      const id = parseId(c.req.param('id'));
      const candidate = id === undefined ? undefined : await getCandidate(c.var.deps.database.db, id);
      if (!candidate) return c.notFound();
      return c.render(<CandidatePage v={{ lang: c.var.lang, t: c.var.t }} candidate={candidate} />, { title: candidate.name });
    })
    .get('/api/meetings', async (c) => {
      const { db } = c.var.deps.database;
      const [meetings, elections] = await Promise.all([listMeetings(db), electionsByMeeting(db)]);
      // Ids are strings, as in RECORD.md.
      return c.json(meetings.map((m) => ({
        id: String(m.id), title: m.title, year: m.year, startsOn: m.startsOn, endsOn: m.endsOn,
        elections: (elections.get(m.id) ?? []).map((e) => ({ id: String(e.id), kind: e.kind, title: e.title, state: e.state })),
      })));
    });
}
