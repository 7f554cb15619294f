/**
 * A request the rules refuse (a step from the wrong state, a paper ballot beyond those issued, …):
 * nothing was written. One error class for every store, typed by each feature's own list of
 * reasons; routes turn it into the page again with the reason translated (see `refusing` in the
 * HTTP kit), never into a 500.
 */
export class Refused<R extends string = string> extends Error {
  override name = 'Refused';
  constructor(readonly reason: R, readonly detail: Record<string, unknown> = {}) {
    super(`refused: ${reason}${Object.keys(detail).length ? ` ${JSON.stringify(detail)}` : ''}`);
  }
}
