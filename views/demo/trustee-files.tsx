import { type DemoTrusteeFile, demoTrusteeFileName as fileName } from '../../src/demo/ceremony.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';

/**
 * The demo's trustee files and their passphrases, published because this is a demo (the warning
 * says so first, and that a real vote never does this): per trustee, its name, the demo account it
 * signs in with, its file to download and the passphrase that opens it.
 */
export function DemoTrusteeFilesPage({ v, files, ceremonies, password }: {
  v: ViewContext; files: DemoTrusteeFile[]; ceremonies: { electionId: number; title: string; k: number; n: number }[]; password: string;
}) {
  const { t } = v;
  return (
    <section aria-labelledby="trustee-files-title">
      <h1 id="trustee-files-title">{t('demo.trusteeFiles.title')}</h1>
      <Notice kind="warn"><p><strong>{t('demo.trusteeFiles.warning')}</strong></p></Notice>
      {files.length === 0 && <p class="muted">{t('demo.trusteeFiles.none')}</p>}
      {ceremonies.map((c) => (
        <>
          <h2>{c.title}</h2>
          <p>{t('demo.trusteeFiles.intro', { title: c.title, k: c.k, n: c.n })}</p>
          <ul class="trustee-files" data-election={String(c.electionId)}>
            {files.filter((f) => f.electionId === c.electionId).map((f) => (
              <li class="trustee-files__item">
                <h3>{t('demo.trusteeFiles.trusteeLine', { index: f.trustee, name: f.name })}</h3>
                <dl class="facts">
                  <div><dt>{t('demo.trusteeFiles.account')}</dt><dd><code>{f.username}</code></dd></div>
                  <div><dt>{t('demo.trusteeFiles.passphrase')}</dt><dd><code class="passphrase">{f.passphrase}</code></dd></div>
                </dl>
                <a class="button button--secondary" href={`/demo/trustee-files/${f.id}`} download={fileName(f)}>{t('demo.trusteeFiles.download', { index: f.trustee })}</a>
              </li>
            ))}
          </ul>
        </>
      ))}
      <p class="field__hint">{t('demo.trusteeFiles.accountPassword', { password })}</p>
    </section>
  );
}
