import type { Context } from 'hono';
import type { Child, FC } from 'hono/jsx';
import { jsxRenderer } from 'hono/jsx-renderer';
import type { Lang, Translate } from '../i18n/index.ts';
import type { RegisteredUser } from '../registry.ts';
import type { AppEnv } from './env.ts';

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: PageProps): Response | Promise<Response>;
  }
}

/** What a page hands the shell besides its content. */
export interface PageProps {
  title: string;
  /**
   * Go to `url` after `seconds` when JavaScript does not run (a `<meta http-equiv="refresh">` inside
   * `<noscript>`); with JavaScript the page does it itself, replacing its history entry.
   */
  refresh?: { seconds: number; url: string };
}

/** The page shell (views/layout.tsx), handed in by createApp: the platform does not import views. */
export type LayoutComponent = FC<{
  v: { lang: Lang; t: Translate };
  user: RegisteredUser | null;
  title: string;
  refresh?: PageProps['refresh'];
  path: string;
  demo: boolean;
  children?: Child;
}>;

/**
 * An htmx request that targets part of a page gets only the fragment; a normal request (or an htmx
 * request for the whole page) gets the full document. One URL serves both, hence Vary: HX-Request.
 */
export function wantsFragment(c: Context): boolean {
  return c.req.header('HX-Request') === 'true' && c.req.header('HX-Request-Type') !== 'full'
    && c.req.header('HX-History-Restore-Request') !== 'true';
}

export function renderer(Layout: LayoutComponent) {
  return jsxRenderer<AppEnv>(({ children, title, refresh }, c) => {
    c.header('Vary', 'HX-Request', { append: true });
    if (wantsFragment(c)) return <>{children}</>;
    return (
      <Layout v={{ lang: c.var.lang, t: c.var.t }} user={c.var.user ?? null} title={title} refresh={refresh} path={c.req.path} demo={c.var.deps.config.demo}>
        {children}
      </Layout>
    );
  }, (c) => ({ docType: !wantsFragment(c) }));
}
