import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { HTTPException } from 'hono/http-exception';
import { ProjectPage } from '../../views/projects/project.tsx';
import { ProjectsPage, ProjectsResults, type ProjectsResultsProps } from '../../views/projects/list.tsx';
import { ProgressReportPage } from '../../views/projects/progress-report.tsx';
import { CATEGORIES, type Category, isOneOf } from '../domain/vocabulary.ts';
import { getMeeting } from '../meetings/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { type Ctx, db, found, idParam, view } from '../platform/http/kit.ts';
import { wantsFragment } from '../platform/http/render.tsx';
import { beijingDate } from '../platform/time.ts';
import { projectsAtom } from './feeds.ts';
import { FEED_ENTRIES } from './feeds.ts';
import { projectDetailJson, projectJson, projectsCsv } from './open-data.ts';
import { feedEvents, latestNarratives, locationsOf, projectDetail, publicProjects } from './public-store.ts';
import { isStandingCommittee, mayFileNote } from '../supervision/store.ts';
import { trackedYears } from './store.ts';
import { chosenYear, sharesBy, summarise } from './summaries.ts';

const clockOf = (c: Ctx) => c.var.deps.clock;

/** The last instant (Beijing time) of a year's first half, or of the year. */
const periodEnd = (year: number, period: 'half' | 'year') => new Date(`${year}-${period === 'half' ? '06-30' : '12-31'}T23:59:59.999+08:00`);

/** The year asked for (`?year=`), else the latest tracked year; undefined when nothing is tracked yet. */
async function yearOf(c: Ctx): Promise<{ year: number | undefined; years: number[] }> {
  const years = await trackedYears(db(c));
  return { year: chosenYear(c.req.query('year'), years), years };
}

/** The list's props: the year's projects filtered, the filters' choices and the shares over the filtered rows. */
async function listProps(c: Ctx, year: number | undefined): Promise<ProjectsResultsProps> {
  const categoryParam = c.req.query('category');
  const category = isOneOf(CATEGORIES, categoryParam) ? categoryParam as Category : undefined;
  const location = (c.req.query('location') ?? '').slice(0, 100) || undefined;
  const all = year === undefined ? [] : await publicProjects(db(c), clockOf(c), { year });
  const projects = all.filter((p) => (category === undefined || p.category === category) && (location === undefined || p.location === location));
  return {
    v: view(c), query: { year, ...(category ? { category } : {}), ...(location ? { location } : {}) }, projects,
    categories: [...new Set(all.map((p) => p.category))], locations: locationsOf(all),
    byCategory: sharesBy(projects, (p) => p.category), byLocation: sharesBy(projects, (p) => p.location),
  };
}

const ATOM = 'application/atom+xml; charset=utf-8';

/**
 * The public face of tracking, no sign-in: the projects of a year, each project's page, the printable
 * progress report of a meeting, the open data (/api/projects, .csv, /api/projects/:id) and Atom
 * feeds. Every response carries an ETag and answers 304 when it has not changed.
 */
export function projectRoutes() {
  return new Hono<AppEnv>()
    .get('/projects', etag(), async (c) => {
      const { year, years } = await yearOf(c);
      const props = await listProps(c, year);
      if (wantsFragment(c)) return c.render(<ProjectsResults {...props} />, { title: '' });
      const title = year === undefined ? c.var.t('project.listTitleNoYear') : c.var.t('project.listTitle', { year });
      const deputyId = c.var.user?.roles.includes('deputy') ? c.var.user.deputyId : null;
      const supervising = deputyId === null || deputyId === undefined ? undefined : { standingCommittee: await isStandingCommittee(db(c), deputyId) };
      return c.render(<ProjectsPage {...props} years={years} supervising={supervising} />, { title });
    })
    .get('/projects/:id', etag(), async (c) => {
      const d = found(await projectDetail(db(c), clockOf(c), idParam(c)));
      // The form for an inspection note is offered to the deputies of the project's term only.
      const deputy = c.var.user?.roles.includes('deputy') === true && (await mayFileNote(db(c), d.project.id, c.var.user.deputyId)) === true;
      return c.render(<ProjectPage v={view(c)} d={d} signedInDeputy={deputy} />, { title: d.project.title });
    })
    .get('/projects/:id/feed.xml', etag(), async (c) => {
      const d = found(await projectDetail(db(c), clockOf(c), idParam(c)));
      const events = await feedEvents(db(c), { projectId: d.project.id, limit: FEED_ENTRIES });
      const { t, lang } = view(c);
      return c.body(projectsAtom({
        base: c.var.deps.config.publicUrl.origin, self: `/projects/${d.project.id}/feed.xml`, page: `/projects/${d.project.id}`,
        title: t('feed.projectTitle', { title: d.project.title }), lang, t, events, updated: events[0]?.at ?? d.project.chosenAt,
      }), 200, { 'Content-Type': ATOM });
    })
    .get('/feed.xml', etag(), async (c) => {
      const events = await feedEvents(db(c), { limit: FEED_ENTRIES });
      const { t, lang } = view(c);
      return c.body(projectsAtom({
        base: c.var.deps.config.publicUrl.origin, self: '/feed.xml', page: '/projects', title: t('feed.title'), lang, t, events,
        updated: events[0]?.at ?? new Date(0),
      }), 200, { 'Content-Type': ATOM });
    })
    .get('/meetings/:id/progress-report', etag(), async (c) => {
      const meeting = found(await getMeeting(db(c), idParam(c), { publishedOnly: true }));
      const periodParam = c.req.query('period') ?? 'half';
      if (periodParam !== 'half' && periodParam !== 'year') throw new HTTPException(404);
      // As things stood at the end of June (or of December) of the meeting's year, or now if that is still to come.
      const asOf = new Date(Math.min(clockOf(c).now().getTime(), periodEnd(meeting.year, periodParam).getTime()));
      const projects = await publicProjects(db(c), clockOf(c), { meetingId: meeting.id, asOf });
      const keyResults = await latestNarratives(db(c), projects.map((p) => p.id), asOf);
      const title = c.var.t(periodParam === 'half' ? 'project.report.halfTitle' : 'project.report.yearTitle', { year: meeting.year });
      return c.render(<ProgressReportPage v={view(c)} meeting={{ id: meeting.id, title: meeting.title, year: meeting.year }} period={periodParam}
        today={beijingDate(asOf)} summary={summarise(projects)} projects={projects} keyResults={keyResults} />, { title });
    })
    .get('/api/projects', etag(), async (c) => {
      const { year } = await yearOfApi(c);
      const projects = await publicProjects(db(c), clockOf(c), year === undefined ? {} : { year });
      return c.json(projects.map(projectJson));
    })
    .get('/api/projects.csv', etag(), async (c) => {
      const { year } = await yearOfApi(c);
      const projects = await publicProjects(db(c), clockOf(c), year === undefined ? {} : { year });
      c.header('Content-Disposition', `attachment; filename="projects${year === undefined ? '' : `-${year}`}.csv"`);
      return c.body(projectsCsv(projects, c.var.t), 200, { 'Content-Type': 'text/csv; charset=UTF-8' });
    })
    .get('/api/projects/:id', etag(), async (c) => {
      const d = found(await projectDetail(db(c), clockOf(c), idParam(c)));
      return c.json(projectDetailJson(d));
    });
}

/** The API's year: `?year=YYYY` filters, no year gives every tracked project; anything else is a 400. */
async function yearOfApi(c: Ctx): Promise<{ year: number | undefined }> {
  const asked = c.req.query('year');
  if (asked === undefined || asked === '') return { year: undefined };
  if (!/^\d{4}$/.test(asked)) throw new HTTPException(400);
  return { year: Number(asked) };
}
