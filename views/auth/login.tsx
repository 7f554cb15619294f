import type { ViewContext } from '../context.ts';
import { Field, Notice } from '../components/form.tsx';

export interface LoginPageProps {
  v: ViewContext;
  username?: string;
  next?: string;
  error?: string;
}

export function LoginPage({ v, username, next, error }: LoginPageProps) {
  const { t } = v;
  return (
    <section class="narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t('auth.signIn')}</h1>
      <p class="muted">{t('auth.signInIntro')}</p>
      {error && <Notice kind="error">{error}</Notice>}
      <form method="post" action="/login" class="stack">
        {next && <input type="hidden" name="next" value={next} />}
        <Field name="username" label={t('auth.username')} value={username} autocomplete="username" required autofocus={!username} maxlength={64} />
        <Field name="password" label={t('auth.password')} type="password" autocomplete="current-password" required autofocus={!!username} maxlength={256} />
        <button type="submit" class="button button--primary button--wide">{t('auth.signInButton')}</button>
      </form>
      <p class="muted">{t('auth.forgotHelp')}</p>
    </section>
  );
}
