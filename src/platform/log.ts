import { LOG_LEVELS, type LogLevel } from '../config.ts';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/**
 * One JSON object per line on stdout (or the given sink), so log collectors need no parser of ours.
 * Errors are reduced to name, message and stack; callers never pass secrets (passwords, tokens,
 * ballots), and request logs carry the path without its query string.
 */
export function createLogger(level: LogLevel, sink: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(lvl) < threshold) return;
    const entry: LogFields = { time: new Date().toISOString(), level: lvl, msg };
    for (const [k, v] of Object.entries(fields ?? {})) entry[k] = v instanceof Error ? describeError(v) : v;
    sink(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

function describeError(e: Error): LogFields {
  return { name: e.name, message: e.message, stack: e.stack, ...(e.cause instanceof Error ? { cause: describeError(e.cause) } : {}) };
}

export const silentLogger: Logger = createLogger('silent');
