import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs a TypeScript entry point (src/server.ts, scripts/…) the way npm scripts do, to completion.
 * `input`, when given, is piped to its stdin (which is otherwise empty).
 */
export function runTs(entry: string, env: Record<string, string | undefined>, args: string[] = [], timeoutMs = 60_000, input?: string): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`${entry} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.on('exit', (code, signal) => { clearTimeout(timer); res({ code, signal, stdout, stderr }); });
  });
}

export interface RunningServer {
  /** The origin, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the child wrote to stdout and stderr so far (the tail, if it was long). */
  output(): string;
  /** Sends the signal (SIGKILL after 15 s), waits for exit, removes a data directory it made. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

// An empty DATA_DIR migrates and seeds the whole demo first (two votes, two key ceremonies): ~30 s on a loaded machine.
const HEALTH_DEADLINE_MS = 120_000;
const STOP_DEADLINE_MS = 15_000;
const OUTPUT_LIMIT = 64 * 1024;

/**
 * Starts the real server (`node --import tsx src/server.ts`, as the container does) on a free port
 * with a fresh DATA_DIR unless one is given, and waits until GET /healthz answers 200. A developer's
 * DATABASE_URL is not inherited: PGlite unless `env` names a database.
 */
export async function startServer(env: Record<string, string | undefined> = {}): Promise<RunningServer> {
  const port = await freePort();
  const ownDataDir = env.DATA_DIR === undefined;
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'minsheng-server-'));
  const url = `http://127.0.0.1:${port}`;
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...inherited, PORT: String(port), DATA_DIR: dataDir, PUBLIC_URL: url, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString('utf8');
    if (out.length > OUTPUT_LIMIT) out = out.slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  let gone = false;
  void exited.then(() => { gone = true; });
  const cleanUp = () => { if (ownDataDir) rmSync(dataDir, { recursive: true, force: true }); };
  const stop: RunningServer['stop'] = async (signal = 'SIGTERM') => {
    const started = Date.now();
    if (!gone) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    const r = await exited;
    clearTimeout(timer);
    cleanUp();
    return { ...r, ms: Date.now() - started };
  };

  const deadline = Date.now() + HEALTH_DEADLINE_MS;
  let lastProblem = 'no answer yet';
  for (;;) {
    if (gone) {
      cleanUp();
      throw new Error(`server exited during start-up:\n${out}`);
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`/healthz did not answer 200 within ${HEALTH_DEADLINE_MS / 1000} s (${lastProblem}):\n${out}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) break;
      lastProblem = `last status ${res.status}`;
    } catch (e) {
      lastProblem = e instanceof Error ? e.message : String(e);
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 150))]);
  }
  return { url, dataDir, child, output: () => out, stop };
}
