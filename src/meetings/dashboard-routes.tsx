import { Hono } from 'hono';
import { AdminDashboard } from '../../views/meetings/dashboard.tsx';
import type { AppEnv } from '../platform/http/env.ts';

/** The secretariat's start page; its sections live with their features (roster, users, …). */
export function adminRoutes() {
  return new Hono<AppEnv>().get('/admin', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.render(<AdminDashboard v={{ lang: c.var.lang, t: c.var.t }} />, { title: c.var.t('admin.title') });
  });
}
