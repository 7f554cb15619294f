import type { Child } from 'hono/jsx';
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

/*
 * Geometry: across, in percent of the chart's width, so that the chart takes the width of its card
 * at any screen size while its type keeps its size (17 px, from app.css); down, in pixels. Each
 * project is a block of lines (its title, wrapped for a phone, then its status) above its bar, so
 * nothing sits beside the title that a narrow screen would push off the card.
 */
/** Left edge of bars and text, in percent. */
const X0 = 0;
/** The longest bar ends here, in percent: the room right of it is for the bar's number. */
const X1 = 84;
/** Lines of 17 px type, and the bar. */
const LINE = 24;
const BAR = 22;
/** Titles and legends are wrapped to fit the narrowest card (a 390 px phone): about 300 px of 17 px type. */
const WRAP_PX = 296;

const round = (n: number) => Math.round(n * 10) / 10;
const pct = (n: number) => `${round(n)}%`;

/** The width of text in 17 px type, roughly: CJK characters an em, others about 0.58 em. */
function textWidth(text: string): number {
  return [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 17 : 10), 0);
}

/** Text broken into lines of at most WRAP_PX: between words where there are spaces, anywhere in CJK text. */
function wrapText(text: string, max = WRAP_PX): string[] {
  const tokens = text.match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+/gu) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    if (line !== '' && textWidth((line + token).trimEnd()) > max) {
      lines.push(line.trimEnd());
      line = token.trimStart();
    } else {
      line += token;
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines.length > 0 ? lines : [''];
}

function Defs({ id }: { id: string }) {
  return (
    <defs>
      <pattern id={`${id}-hatch`} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="8" stroke="#7d0f0f" stroke-width="3" />
      </pattern>
      <pattern id={`${id}-dots`} width="7" height="7" patternUnits="userSpaceOnUse">
        <rect width="7" height="7" fill="#ffffff" />
        <circle cx="3.5" cy="3.5" r="2" fill="#5c4400" />
      </pattern>
      <pattern id={`${id}-hatch-green`} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="8" stroke="#176b36" stroke-width="3" />
      </pattern>
      <pattern id={`${id}-cross`} width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill="#ffffff" />
        <path d="M0 0L8 8M8 0L0 8" stroke="#9b1c1c" stroke-width="2" />
      </pattern>
    </defs>
  );
}

interface LegendItem { fill: string; stroke: string; label: string; line?: boolean }

/** The legend in rows that fit a phone; returns its elements and its height. */
function legend(items: LegendItem[]): { node: unknown; height: number } {
  let x = 0;
  let y = 0;
  const placed = items.map((item) => {
    const w = 34 + textWidth(item.label);
    if (x > 0 && x + w > WRAP_PX) { x = 0; y += LINE + 4; }
    const at = { x, y, item };
    x += w + 18;
    return at;
  });
  const node = (
    <g class="chart__legend">
      {placed.map(({ x: at, y: top, item }) => (
        <g>
          {item.line
            ? <line x1={at + 13} y1={top + 6} x2={at + 13} y2={top + 26} stroke={item.stroke} stroke-width="3" stroke-dasharray="5 3" />
            : <rect x={at} y={top + 8} width="26" height="16" fill={item.fill} stroke={item.stroke} stroke-width="1.5" />}
          <text x={at + 34} y={top + 22}>{item.label}</text>
        </g>
      ))}
    </g>
  );
  return { node, height: y + LINE + 8 };
}

function Frame({ id, height, title, desc, children }: { id: string; height: number; title: string; desc: string; children: unknown }) {
  return (
    <svg class="chart__svg" width="100%" height={height} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} xmlns="http://www.w3.org/2000/svg">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      <Defs id={id} />
      {children}
    </svg>
  );
}

/** A text anchor that keeps a label centred on `at` (percent) on the card, whatever its width. */
const anchorAt = (at: number) => (at < 30 ? 'start' : at > 70 ? 'end' : 'middle');

/** Title lines and the status line of one project, from `top`; returns the y of the line below. */
function Heading({ top, title, status, statusClass }: { top: number; title: string; status: string; statusClass: string }) {
  const lines = wrapText(title);
  return (
    <>
      <text x={pct(X0)} y={top + 18} class="chart__label">
        {lines.map((line, i) => <tspan x={pct(X0)} dy={i === 0 ? 0 : LINE}>{line}</tspan>)}
      </text>
      <text x={pct(X0)} y={top + 18 + lines.length * LINE} class={statusClass}>{status}</text>
    </>
  );
}
const headingHeight = (title: string) => (wrapText(title).length + 1) * LINE + 6;

/** 赞成 per option in ballot order, the pass line, selected / tied / not chosen told apart by pattern and text. */
function SelectionChart({ v, body }: { v: ViewContext; body: ResultBody }) {
  const { t } = v;
  const id = 'result-chart';
  const rows = resultRows(body);
  const line = passLine(body);
  const tied = new Set(body.result.tie?.options ?? []);
  const scale = Math.max(line.base, ...rows.map((r) => r.forVotes), 1);
  const x = (n: number) => X0 + ((X1 - X0) * n) / scale;
  const xHalf = x(line.half);
  const selected = rows.filter((r) => r.selected).length;
  const status = (r: ResultRow) => (r.selected ? t('result.chart.selectedRank', { rank: r.rank ?? '' }) : tied.has(r.id) ? t('result.tied') : r.passed ? t('result.chart.passedOnly') : t('result.chart.notPassed'));
  const fill = (r: ResultRow) => (r.selected ? '#7d0f0f' : tied.has(r.id) ? `url(#${id}-dots)` : `url(#${id}-hatch)`);
  const key = legend([
    { fill: '#7d0f0f', stroke: '#7d0f0f', label: t('counting.selected') },
    ...(tied.size ? [{ fill: `url(#${id}-dots)`, stroke: '#5c4400', label: t('result.tied') }] : []),
    { fill: `url(#${id}-hatch)`, stroke: '#7d0f0f', label: t('result.chart.notSelected') },
    { fill: 'none', stroke: '#1a56db', label: t('result.chart.passLine'), line: true },
  ]);
  const top = key.height + LINE + 8;
  const { blocks, bottom: y } = stacked(rows, top, (r, at, title, barY) => (
    <g>
      <Heading top={at} title={title} status={status(r)} statusClass={r.selected ? 'chart__status chart__status--selected' : 'chart__status'} />
      <rect class="chart__bar" x={pct(X0)} y={barY} width={pct(x(r.forVotes) - X0)} height={BAR} fill={fill(r)} stroke={tied.has(r.id) ? '#5c4400' : '#7d0f0f'} stroke-width="1.5" />
      <text x={pct(x(r.forVotes))} dx="6" y={barY + 17} class="chart__value">{r.forVotes}</text>
    </g>
  ));
  return (
    <Frame id={id} height={y + 30} title={t('result.chart.title')}
      desc={t('result.chart.desc', { options: rows.length, selected, half: round(line.half), base: line.base })}>
      {key.node}
      <text x={pct(xHalf)} y={top - 12} text-anchor={anchorAt(xHalf)} class="chart__threshold">{t('result.chart.threshold', { half: round(line.half) })}</text>
      <Axis xHalf={xHalf} top={top - 6} bottom={y} scale={scale} />
      {blocks}
    </Frame>
  );
}

/**
 * Lays the projects out from `top` down, each its heading and then its bar, drawn by `draw` (given
 * where the heading starts, the numbered title and where the bar goes); says where the last ended.
 */
function stacked<R extends { position: number; title: string }>(rows: readonly R[], top: number, draw: (r: R, at: number, title: string, barY: number) => Child): { blocks: Child[]; bottom: number } {
  let y = top;
  const blocks = rows.map((r) => {
    const at = y;
    const title = `${r.position}. ${r.title}`;
    const barY = at + headingHeight(title) - 4;
    y = barY + BAR + 18;
    return draw(r, at, title, barY);
  });
  return { blocks, bottom: y };
}

/** The dashed line at half the base, the baseline, and the scale's ends. */
function Axis({ xHalf, top, bottom, scale }: { xHalf: number; top: number; bottom: number; scale: number }) {
  return (
    <>
      <line x1={pct(xHalf)} y1={top} x2={pct(xHalf)} y2={bottom} stroke="#1a56db" stroke-width="3" stroke-dasharray="6 4" />
      <line x1={pct(X0)} y1={bottom + 4} x2={pct(X1)} y2={bottom + 4} stroke="#55565b" stroke-width="1" />
      <text x={pct(X0)} y={bottom + 24} class="chart__axis">0</text>
      <text x={pct(X1)} y={bottom + 24} text-anchor="end" class="chart__axis">{scale}</text>
    </>
  );
}

const SEGMENTS = [
  { letter: 'S', fill: '#176b36', stroke: '#176b36' },
  { letter: 'B', fill: 'hatch-green', stroke: '#176b36' },
  { letter: 'U', fill: 'cross', stroke: '#9b1c1c' },
  { letter: 'N', fill: '#ffffff', stroke: '#55565b' },
] as const;

/** 满意 / 基本满意 / 不满意 / 弃权 stacked per project, with the half-of-base line of the rating rule. */
function SatisfactionChart({ v, body }: { v: ViewContext; body: ResultBody }) {
  const { t } = v;
  const id = 'result-chart';
  const rows = resultRows(body);
  const line = passLine(body);
  const scale = Math.max(line.base, body.result.valid, 1);
  const x = (n: number) => X0 + ((X1 - X0) * n) / scale;
  const xHalf = x(line.half);
  const fillOf = (f: string) => (f.startsWith('#') ? f : `url(#${id}-${f})`);
  const key = legend([
    ...SEGMENTS.map((s) => ({ fill: fillOf(s.fill), stroke: s.stroke, label: t(LETTER_LABEL.satisfaction[s.letter]) })),
    { fill: 'none', stroke: '#1a56db', label: t('result.chart.halfLine'), line: true },
  ]);
  const top = key.height + LINE + 8;
  const { blocks, bottom: y } = stacked(rows, top, (r, at, title, barY) => {
    let sum = 0;
    return (
      <g>
        <Heading top={at} title={title} status={`${r.rating ? t(RATING_LABEL[r.rating]) : ''} · ${t('result.satisfactionRate')} ${percent(r.satisfaction)}`} statusClass="chart__status" />
        {SEGMENTS.map((s) => {
          const n = r.counts[s.letter] ?? 0;
          const from = sum;
          sum += n;
          return n > 0 ? <rect class="chart__bar" x={pct(x(from))} y={barY} width={pct(x(sum) - x(from))} height={BAR} fill={fillOf(s.fill)} stroke={s.stroke} stroke-width="1.5" /> : null;
        })}
      </g>
    );
  });
  return (
    <Frame id={id} height={y + 30} title={t('result.chart.satisfactionTitle')}
      desc={t('result.chart.satisfactionDesc', { options: rows.length, valid: body.result.valid, half: round(line.half), base: line.base })}>
      {key.node}
      <text x={pct(xHalf)} y={top - 12} text-anchor={anchorAt(xHalf)} class="chart__threshold">{t('result.chart.halfThreshold', { half: round(line.half) })}</text>
      <Axis xHalf={xHalf} top={top - 6} bottom={y} scale={scale} />
      {blocks}
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
