import { recordSummary } from '../counting/store.ts';
import type { Db } from '../platform/db/index.ts';
import type { OptionResult, RecordResult } from '../domain/record/format.ts';
import { chosenRows, type ResultBody } from './present.ts';

/** The `result` member of GET /api/elections/:id once the vote is published. */
export interface ApiResult {
  valid: number;
  invalid: number;
  quorum: boolean;
  roll: { eligible: number; present: number };
  options: OptionResult[];
  tie?: RecordResult['tie'];
  shortfall?: number;
  /** Selected option ids in rank order (empty for a satisfaction vote). */
  chosen: string[];
  digest: string;
  recordUrl: string;
  resultUrl: string;
}

/** A published record's result as the API gives it: the record's own figures, nothing recomputed. */
export function apiResult(electionId: number, body: ResultBody, digest: string): ApiResult {
  const r = body.result;
  return {
    valid: r.valid, invalid: r.invalid, quorum: r.quorum,
    roll: { eligible: body.roll.eligible, present: body.roll.present },
    options: r.options.map((o) => ({
      id: o.id, counts: o.counts,
      ...(o.rating !== undefined ? { rating: o.rating } : { passed: o.passed, rank: o.rank ?? null, selected: o.selected }),
    })),
    ...(r.tie ? { tie: r.tie } : {}),
    ...(r.shortfall !== undefined ? { shortfall: r.shortfall } : {}),
    chosen: chosenRows(body).map((o) => o.id),
    digest,
    recordUrl: `/elections/${electionId}/record.json`,
    resultUrl: `/elections/${electionId}/result`,
  };
}

/** The API's result of a vote: null until it is published (a void vote never is). */
export async function publishedApiResult(db: Db, electionId: number): Promise<ApiResult | null> {
  const record = await recordSummary(db, electionId);
  return record?.publishedAt ? apiResult(electionId, record.body, record.digest) : null;
}
