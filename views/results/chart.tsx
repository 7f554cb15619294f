import { LETTER_LABEL, RATING_LABEL } from '../../src/domain/vocabulary.ts';
import { isSelecting, passLine, percent, resultRows, type ResultBody, type ResultRow } from '../../src/results/present.ts';
import type { ViewContext } from '../context.ts';

/*
 * The result as an inline SVG bar chart, drawn on the server: no script, no chart library, and no
 * style attributes (the CSP allows none); geometry and fills are SVG presentation attributes, type
 * comes from app.css. Bars differ by pattern as well as by colour, and every bar carries its number
 * and status in text, so nothing depends on telling colours apart. The result table below the chart
 * is its data equivalent; the SVG itself is one image with a title and a description.
 */

const WIDTH = 720;
const X0 = 8;
/** Room right of the longest bar for its number. */
const X1 = WIDTH - 64;
const TOP = 64;
const ROW = 60;
const BAR = 22;

const round = (n: number) => Math.round(n * 10) / 10;

function Defs() {
  return (
    <defs>
      <pattern id="chart-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="8" stroke="#7d0f0f" stroke-width="3" />
      </pattern>
      <pattern id="chart-dots" width="7" height="7" patternUnits="userSpaceOnUse">
        <rect width="7" height="7" fill="#ffffff" />
        <circle cx="3.5" cy="3.5" r="2" fill="#5c4400" />
      </pattern>
      <pattern id="chart-hatch-green" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="8" stroke="#176b36" stroke-width="3" />
      </pattern>
      <pattern id="chart-cross" width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill="#ffffff" />
        <path d="M0 0L8 8M8 0L0 8" stroke="#9b1c1c" stroke-width="2" />
      </pattern>
    </defs>
  );
}

interface LegendItem { fill: string; stroke: string; label: string; line?: boolean }

function Legend({ items }: { items: LegendItem[] }) {
  let x = X0;
  return (
    <g class="chart__legend">
      {items.map((item) => {
        const at = x;
        // CJK characters are about one em wide; Latin ones about half.
        x += 34 + [...item.label].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 17 : 9.5), 0) + 18;
        return (
          <g>
            {item.line
              ? <line x1={at + 13} y1="8" x2={at + 13} y2="28" stroke={item.stroke} stroke-width="3" stroke-dasharray="5 3" />
              : <rect x={at} y="10" width="26" height="16" fill={item.fill} stroke={item.stroke} stroke-width="1.5" />}
            <text x={at + 34} y="24">{item.label}</text>
          </g>
        );
      })}
    </g>
  );
}

function Frame({ id, height, title, desc, children }: { id: string; height: number; title: string; desc: string; children: unknown }) {
  return (
    <svg class="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} xmlns="http://www.w3.org/2000/svg">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      <Defs />
      {children}
    </svg>
  );
}

/** 赞成 per option in ballot order, the pass line, selected / tied / not chosen told apart by pattern and text. */
function SelectionChart({ v, body }: { v: ViewContext; body: ResultBody }) {
  const { t } = v;
  const rows = resultRows(body);
  const line = passLine(body);
  const tied = new Set(body.result.tie?.options ?? []);
  const scale = Math.max(line.base, ...rows.map((r) => r.forVotes), 1);
  const x = (n: number) => round(X0 + ((X1 - X0) * n) / scale);
  const bottom = TOP + rows.length * ROW;
  const xHalf = x(line.half);
  const selected = rows.filter((r) => r.selected).length;
  const status = (r: ResultRow) => (r.selected ? t('result.chart.selectedRank', { rank: r.rank ?? '' }) : tied.has(r.id) ? t('result.tied') : r.passed ? t('result.chart.passedOnly') : t('result.chart.notPassed'));
  const fill = (r: ResultRow) => (r.selected ? '#7d0f0f' : tied.has(r.id) ? 'url(#chart-dots)' : 'url(#chart-hatch)');
  const legend: LegendItem[] = [
    { fill: '#7d0f0f', stroke: '#7d0f0f', label: t('counting.selected') },
    ...(tied.size ? [{ fill: 'url(#chart-dots)', stroke: '#5c4400', label: t('result.tied') }] : []),
    { fill: 'url(#chart-hatch)', stroke: '#7d0f0f', label: t('result.chart.notSelected') },
    { fill: 'none', stroke: '#1a56db', label: t('result.chart.passLine'), line: true },
  ];
  return (
    <Frame id="result-chart" height={bottom + 34} title={t('result.chart.title')}
      desc={t('result.chart.desc', { options: rows.length, selected, half: round(line.half), base: line.base })}>
      <Legend items={legend} />
      <text x={xHalf} y="50" text-anchor={xHalf > WIDTH - 200 ? 'end' : 'middle'} class="chart__threshold">{t('result.chart.threshold', { half: round(line.half) })}</text>
      {rows.map((r, i) => {
        const y = TOP + i * ROW;
        return (
          <g>
            <text x={X0} y={y + 18} class="chart__label">{`${r.position}. ${r.title}`}</text>
            <text x={WIDTH - 4} y={y + 18} text-anchor="end" class={r.selected ? 'chart__status chart__status--selected' : 'chart__status'}>{status(r)}</text>
            <rect class="chart__bar" x={X0} y={y + 26} width={round(x(r.forVotes) - X0)} height={BAR} fill={fill(r)} stroke={tied.has(r.id) ? '#5c4400' : '#7d0f0f'} stroke-width="1.5" />
            <text x={x(r.forVotes) + 6} y={y + 43} class="chart__value">{r.forVotes}</text>
          </g>
        );
      })}
      <Axis xHalf={xHalf} bottom={bottom} scale={scale} />
    </Frame>
  );
}

/** The dashed line at half the base, the baseline, and the scale's ends. */
function Axis({ xHalf, bottom, scale }: { xHalf: number; bottom: number; scale: number }) {
  return (
    <>
      <line x1={xHalf} y1="56" x2={xHalf} y2={bottom} stroke="#1a56db" stroke-width="3" stroke-dasharray="6 4" />
      <line x1={X0} y1={bottom + 4} x2={X1} y2={bottom + 4} stroke="#55565b" stroke-width="1" />
      <text x={X0} y={bottom + 26} class="chart__axis">0</text>
      <text x={X1} y={bottom + 26} text-anchor="end" class="chart__axis">{scale}</text>
    </>
  );
}

const SEGMENTS = [
  { letter: 'S', fill: '#176b36', stroke: '#176b36' },
  { letter: 'B', fill: 'url(#chart-hatch-green)', stroke: '#176b36' },
  { letter: 'U', fill: 'url(#chart-cross)', stroke: '#9b1c1c' },
  { letter: 'N', fill: '#ffffff', stroke: '#55565b' },
] as const;

/** 满意 / 基本满意 / 不满意 / 弃权 stacked per project, with the half-of-base line of the rating rule. */
function SatisfactionChart({ v, body }: { v: ViewContext; body: ResultBody }) {
  const { t } = v;
  const rows = resultRows(body);
  const line = passLine(body);
  const scale = Math.max(line.base, body.result.valid, 1);
  const x = (n: number) => round(X0 + ((X1 - X0) * n) / scale);
  const bottom = TOP + rows.length * ROW;
  const xHalf = x(line.half);
  const legend: LegendItem[] = [
    ...SEGMENTS.map((s) => ({ fill: s.fill, stroke: s.stroke, label: t(LETTER_LABEL.satisfaction[s.letter]) })),
    { fill: 'none', stroke: '#1a56db', label: t('result.chart.halfLine'), line: true },
  ];
  return (
    <Frame id="result-chart" height={bottom + 34} title={t('result.chart.satisfactionTitle')}
      desc={t('result.chart.satisfactionDesc', { options: rows.length, valid: body.result.valid, half: round(line.half), base: line.base })}>
      <Legend items={legend} />
      <text x={xHalf} y="50" text-anchor={xHalf > WIDTH - 200 ? 'end' : 'middle'} class="chart__threshold">{t('result.chart.halfThreshold', { half: round(line.half) })}</text>
      {rows.map((r, i) => {
        const y = TOP + i * ROW;
        let at = 0;
        return (
          <g>
            <text x={X0} y={y + 18} class="chart__label">{`${r.position}. ${r.title}`}</text>
            <text x={WIDTH - 4} y={y + 18} text-anchor="end" class="chart__status">
              {`${r.rating ? t(RATING_LABEL[r.rating]) : ''} · ${t('result.satisfactionRate')} ${percent(r.satisfaction)}`}
            </text>
            {SEGMENTS.map((s) => {
              const n = r.counts[s.letter] ?? 0;
              const from = at;
              at += n;
              return n > 0 ? <rect class="chart__bar" x={x(from)} y={y + 26} width={round(x(at) - x(from))} height={BAR} fill={s.fill} stroke={s.stroke} stroke-width="1.5" /> : null;
            })}
          </g>
        );
      })}
      <Axis xHalf={xHalf} bottom={bottom} scale={scale} />
    </Frame>
  );
}

/** The chart of a published result, in a figure whose caption points to the table. */
export function ResultChart({ v, body }: { v: ViewContext; body: ResultBody }) {
  if (body.result.options.length === 0) return null;
  return (
    <figure class="chart">
      {isSelecting(body.election.kind) ? <SelectionChart v={v} body={body} /> : <SatisfactionChart v={v} body={body} />}
      <figcaption class="chart__caption">{captionOf(v, body)}</figcaption>
    </figure>
  );
}

function captionOf(v: ViewContext, body: ResultBody): string {
  return isSelecting(body.election.kind) ? v.t('result.chart.caption') : v.t('result.chart.satisfactionCaption');
}
