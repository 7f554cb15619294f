import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded engine on port 3000 with demo data', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, engine: 'pglite', demo: true, logLevel: 'info', trustedProxies: [] });
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.publicUrl.origin).toBe('http://localhost:3000');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('switches to PostgreSQL with DATABASE_URL and then shows demo data only with DEMO=1', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' })).toMatchObject({ engine: 'postgres', demo: false });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db', DEMO: '1' })).toMatchObject({ engine: 'postgres', demo: true });
    expect(loadConfig({ DEMO: 'off' }).demo).toBe(false);
  });

  it('reads PUBLIC_URL, TRUSTED_PROXIES and treats empty values as unset', () => {
    const c = loadConfig({ PUBLIC_URL: 'https://vote.example.gov.cn', TRUSTED_PROXIES: '10.0.0.1, ::1', PORT: '' });
    expect(c.publicUrl.protocol).toBe('https:');
    expect(c.trustedProxies).toEqual(['10.0.0.1', '::1']);
    expect(c.port).toBe(3000);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a whole number \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT must be between 1 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres:\/\//],
    [{ PUBLIC_URL: 'vote.example' }, /^PUBLIC_URL must be an http:\/\/ or https:\/\/ origin/],
    [{ PUBLIC_URL: 'https://x.example/app' }, /^PUBLIC_URL /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of debug, info, warn, error, silent/],
    [{ DEMO: 'maybe' }, /^DEMO must be 1 or 0/],
    [{ TRUSTED_PROXIES: '10.0.0.1,proxy.local' }, /^TRUSTED_PROXIES must be a comma-separated list of IP addresses/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });
});
