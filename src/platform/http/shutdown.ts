/**
 * A shutdown signal shared by the server and long-lived responses: SSE streams register here and
 * end when it fires, so that a graceful shutdown does not wait for streams that never finish.
 */
export interface Shutdown {
  readonly signal: AbortSignal;
  readonly started: boolean;
  begin(): void;
}

export function createShutdown(): Shutdown {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    get started() { return controller.signal.aborted; },
    begin() { controller.abort(); },
  };
}
