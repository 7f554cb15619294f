import type { Child } from 'hono/jsx';
import { assetUrl } from '../src/platform/http/assets.ts';
import type { ViewContext } from './context.ts';

export interface LayoutProps {
  v: ViewContext;
  /** The signed-in person, for the account links; null for the public. */
  user: { displayName: string; roles: readonly string[] } | null;
  title: string;
  /** Where to go after a while without JavaScript (app.js does it with JavaScript): see PageProps. */
  refresh?: { seconds: number; url: string };
  /** The current path, so the language switch returns here. */
  path: string;
  demo: boolean;
  children?: Child;
}

/** The page shell: skip link, demo banner, header with navigation and language switch, footer. */
export function Layout({ v, user, title, refresh, path, demo, children }: LayoutProps) {
  const { t, lang } = v;
  const other = lang === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('site.name')}`}</title>
        {refresh && <noscript><meta http-equiv="refresh" content={`${refresh.seconds}; url=${refresh.url}`} /></noscript>}
        <meta name="htmx-config" content='{"includeIndicatorCSS":true}' />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        <link rel="alternate" type="application/atom+xml" href="/audit/checkpoints.atom" title={t('audit.checkpoints.title')} />
        <link rel="alternate" type="application/atom+xml" href="/feed.xml" title={t('feed.title')} />
        {/^\/projects\/\d+$/.test(path) && <link rel="alternate" type="application/atom+xml" href={`${path}/feed.xml`} title={t('feed.projectLink')} />}
        <script src={assetUrl('htmx.min.js')} defer></script>
        <script src={assetUrl('hx-sse.min.js')} defer></script>
        <script src={assetUrl('app.js')} defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">{t('nav.skip')}</a>
        {demo && (
          <p class="demo-banner">{t('demo.banner')}{' '}
            <a href="/demo/trustee-files">{t('demo.trusteeFiles.bannerLink')}</a>{lang === 'en' ? ' ' : ''}{t('demo.trusteeFiles.bannerNote')}</p>
        )}
        <header class="site-header">
          <div class="wrap site-header__inner">
            <a class="brand" href="/">
              <span class="brand__name">{t('site.name')}</span>
              <span class="brand__tagline">{t('site.tagline')}</span>
            </a>
            {/* On a phone the navigation waits behind 菜单 (a disclosure: no JavaScript needed); on wider screens it is always shown (app.css). */}
            <details class="site-menu">
              <summary class="site-menu__toggle">{t('nav.menu')}</summary>
              <nav aria-label={t('nav.main')} class="site-nav">
                <a href="/">{t('nav.home')}</a>
                <a href="/projects">{t('tracking.nav')}</a>
                <a href="/verify">{t('nav.verify')}</a>
                {user?.roles.includes('deputy') && <a href="/vote">{t('vote.title')}</a>}
                {user?.roles.includes('secretariat') && <a href="/admin">{t('nav.admin')}</a>}
                {user?.roles.includes('clerk') && <a href="/paper">{t('paper.listTitle')}</a>}
                {user?.roles.includes('department') && <a href="/workspace">{t('workspace.title')}</a>}
                {user ? <a href="/account">{t('nav.account')}<span class="visually-hidden">: </span><span class="nav-user">{user.displayName}</span></a> : <a href="/login">{t('nav.signIn')}</a>}
                {user && (
                  <form method="post" action="/logout" class="inline-form">
                    <button type="submit" class="nav-button">{t('nav.signOut')}</button>
                  </form>
                )}
                {/* The accessible name contains the visible text (WCAG 2.5.3), each part in its own language. */}
                <a href={`/lang/${other}?next=${encodeURIComponent(path)}`} hreflang={other} class="lang-switch">
                  <span class="visually-hidden">{t('nav.switchLanguageLabel')}</span>
                  <span lang={other}>{t('nav.switchLanguage')}</span>
                </a>
              </nav>
            </details>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>{t('footer.about')}</p>
            <p>
              {t('footer.checkpoints')} <a href="/audit/checkpoints.json" type="application/json">{t('footer.checkpointsJson')}</a>
              {' · '}<a href="/audit/checkpoints.atom" type="application/atom+xml">{t('footer.checkpointsAtom')}</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
