/**
 * The trustee's key ceremony page (views/ceremonies/trustee.tsx), bundled into one ES module and
 * served as /assets/ceremony.js (src/platform/http/bundle.ts): no inline script. It runs every
 * trustee-side step of docs/key-ceremony.md with the protocol's own functions (src/domain/crypto),
 * keeps the trustee's secrets in this page and in the passphrase-protected file it downloads, and
 * posts only public messages, each as a form field holding its JSON text. Every text it shows is
 * read from the page (translated there).
 */
import {
  checkPassphrase, dealForCeremony, openTrusteeFile, provePossession, receiveForCeremony, sealTrusteeFile, simpleProofToJson, startTrustee,
  TrusteeFileError, type CeremonyParameters, type EnvelopeJson, type ExchangeKeyJson, type SignedDealingJson, type TrusteeFile,
} from '../../src/domain/crypto/index.ts';

interface Messages {
  ok: boolean;
  electionId: string;
  contextId: string;
  k: number;
  n: number;
  index: number;
  state: 'running' | 'failed' | 'complete';
  exchangeKeys: ExchangeKeyJson[];
  dealings: SignedDealingJson[];
  envelopes: EnvelopeJson[];
  complaints: unknown[];
  confirmations: unknown[];
  mine: string[];
  status: { state: 'waiting' | 'failed' | 'complete'; fingerprint?: string; exchangeFingerprint?: string };
}

type Step = 'exchange' | 'deal' | 'receive' | 'possession' | 'wait' | 'done' | 'finished';

const POLL_MS = 3_000;

const root = document.getElementById('ceremony-trustee');
if (root) start(root);

function start(el: HTMLElement): void {
  el.hidden = false;
  const strings = new Map([...document.querySelectorAll<HTMLElement>('#ceremony-strings [data-key]')].map((li) => [li.dataset['key']!, li.textContent ?? '']));
  const say = (key: string) => strings.get(key) ?? key;
  const status = document.getElementById('ceremony-status')!;
  const passphraseInput = document.getElementById('ceremony-passphrase') as HTMLInputElement;
  const fileInput = document.getElementById('ceremony-file') as HTMLInputElement;
  const fileField = el.querySelector<HTMLElement>('[data-needs-file]')!;
  const fileHint = document.getElementById('ceremony-file-hint')!;
  const prints = document.getElementById('ceremony-fingerprints')!;
  const urls = { messages: el.dataset['messages']!, post: el.dataset['post']!, nonce: el.dataset['nonce']!, possession: el.dataset['possession']! };
  /** The exchange secret once made or unlocked in this page (never sent anywhere but into the file). */
  let exchangeSecret: bigint | undefined;
  let busy = false;
  /** Set once this page has proved possession: the trustee has nothing left to do. */
  let proved = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const show = (text: string, kind: 'ok' | 'error' | 'info' = 'info') => {
    status.textContent = text;
    status.className = `big-facts notice notice--${kind}`;
    delete status.dataset['waiting'];
  };
  const clear = () => {
    status.textContent = '';
    status.className = 'big-facts';
    delete status.dataset['waiting'];
  };
  const showError = (e: unknown) => show(say('ceremony.trustee.failed') + describe(e), 'error');
  const describe = (e: unknown): string => {
    if (e instanceof TrusteeFileError) return say(`ceremony.trustee.file.${e.code}`);
    if (e instanceof ServerRefusal) return e.message;
    return e instanceof Error ? e.message : String(e);
  };

  async function load(): Promise<Messages> {
    const res = await fetch(urls.messages, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    const body = await res.json() as Messages & { message?: string };
    if (!res.ok || !body.ok) throw new ServerRefusal(body.message ?? String(res.status));
    return body;
  }

  async function post(url: string, fields: Record<string, string>): Promise<Record<string, unknown>> {
    const res = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const body = await res.json() as Record<string, unknown>;
    if (!res.ok || body['ok'] !== true) throw new ServerRefusal(typeof body['message'] === 'string' ? body['message'] : String(res.status));
    return body;
  }

  const publish = (kind: string, message: unknown) => post(urls.post, { kind, message: JSON.stringify(message) });

  function passphrase(): string {
    const p = passphraseInput.value;
    const ok = checkPassphrase(p);
    if (ok !== true) throw new Error(say(`ceremony.trustee.passphrase.${ok}`));
    return p;
  }

  async function fileContent(): Promise<{ header: Awaited<ReturnType<typeof openTrusteeFile>>['header']; content: Awaited<ReturnType<typeof openTrusteeFile>>['content'] }> {
    const file = fileInput.files?.[0];
    if (!file) throw new TrusteeFileError('format', 'no file');
    return openTrusteeFile(await file.text(), passphrase());
  }

  async function secret(m: Messages): Promise<bigint> {
    if (exchangeSecret !== undefined) return exchangeSecret;
    const { header, content } = await fileContent();
    if (header.contextId !== m.contextId || header.index !== m.index || content.exchangeSecret === undefined) throw new TrusteeFileError('format', 'another ceremony');
    exchangeSecret = content.exchangeSecret;
    return exchangeSecret;
  }

  function download(file: TrusteeFile, name: string): void {
    const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  function fingerprints(m: Messages, mine?: { fingerprint: string; exchangeFingerprint: string }): void {
    const ex = mine?.exchangeFingerprint ?? m.status.exchangeFingerprint;
    const fp = mine?.fingerprint ?? m.status.fingerprint;
    prints.replaceChildren();
    if (!ex && !fp) return;
    // The same block as views/components/ceremony.tsx Fingerprints (level 2).
    const box = document.createElement('div');
    box.className = 'fingerprint-check';
    const h = document.createElement('h2');
    h.textContent = say('ceremony.compareTitle');
    const dl = document.createElement('dl');
    dl.className = 'facts facts--wide big-facts';
    for (const [label, value, kind] of [[say('ceremony.exchangeFingerprint'), ex, 'exchange'], [say('ceremony.fingerprint'), fp, 'election']] as const) {
      if (!value) continue;
      const div = document.createElement('div');
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      const code = document.createElement('code');
      code.className = 'fingerprint';
      code.dataset['fingerprint'] = kind;
      code.textContent = value;
      dd.append(code);
      div.append(dt, dd);
      dl.append(div);
    }
    const p = document.createElement('p');
    p.className = 'fingerprint-check__say';
    p.textContent = say(ex && fp ? 'ceremony.compareAloud' : 'ceremony.compareAloudOne');
    box.append(h, dl, p);
    prints.append(box);
  }

  function stepOf(m: Messages): Step {
    if (m.state === 'failed') return 'done';
    if (!m.mine.includes('exchange-key')) return 'exchange';
    if (!m.mine.includes('dealing')) return m.exchangeKeys.length === m.n ? 'deal' : 'wait';
    if (!m.mine.includes('confirmation') && !m.mine.includes('complaint')) return m.dealings.length === m.n && m.envelopes.length === m.n ? 'receive' : 'wait';
    if (m.state !== 'complete') return 'wait';
    return proved ? 'finished' : 'possession';
  }

  /** How many trustees have done the step this trustee waits on, from the messages already loaded. */
  function progress(m: Messages): string {
    const done = !m.mine.includes('dealing') ? m.exchangeKeys.length
      : !m.mine.includes('confirmation') && !m.mine.includes('complaint') ? m.dealings.length
        : m.confirmations.length;
    return say('ceremony.trustee.progress').replace('{done}', String(done)).replace('{n}', String(m.n));
  }

  function showStep(step: Step, m: Messages): void {
    for (const s of el.querySelectorAll<HTMLElement>('[data-step]')) s.hidden = s.dataset['step'] !== step;
    // The file is needed for every step but the first, unless this page still holds the exchange secret.
    fileField.hidden = step === 'exchange' || step === 'done' || step === 'finished' || (step !== 'possession' && exchangeSecret !== undefined) || step === 'wait';
    fileHint.textContent = say(step === 'possession' ? 'ceremony.trustee.fileHint.final' : 'ceremony.trustee.fileHint.ceremony');
    passphraseInput.closest<HTMLElement>('.field')!.hidden = step === 'done' || step === 'finished' || step === 'wait' || (exchangeSecret !== undefined && step !== 'possession' && step !== 'receive');
    // A message from an earlier step ("waiting…") must not linger under the button of the step to take now.
    if (step === 'wait') {
      show(`${say('ceremony.trustee.waiting')} ${progress(m)}`);
      status.dataset['waiting'] = '';
    } else if (status.dataset['waiting'] !== undefined) clear();
    if (step === 'possession' && !status.textContent) show(say('ceremony.trustee.ready'));
    fingerprints(m);
  }

  async function refresh(): Promise<void> {
    if (timer) clearTimeout(timer);
    try {
      const m = await load();
      const step = stepOf(m);
      if (!busy) showStep(step, m);
      if (step === 'wait') timer = setTimeout(() => void refresh(), POLL_MS);
    } catch (e) {
      showError(e);
    }
  }

  async function run(action: string): Promise<void> {
    if (busy) return;
    busy = true;
    show(say('ceremony.trustee.working'));
    try {
      const m = await load();
      const p: CeremonyParameters = { contextId: m.contextId, k: m.k, n: m.n };
      const name = (what: string) => `minsheng-trustee-${m.electionId}-${m.index}-${what}.json`;
      switch (action) {
        case 'exchange': {
          const pass = passphrase();
          const made = startTrustee(p, m.index);
          // The file first: a reload or a crash after publishing must not lose e_i.
          download(await sealTrusteeFile({ contextId: m.contextId, electionId: m.electionId, index: m.index }, { exchangeSecret: made.exchangeSecret }, pass), name('ceremony'));
          exchangeSecret = made.exchangeSecret;
          await publish('exchange-key', made.message);
          show(`${say('ceremony.trustee.downloaded')} ${say('ceremony.trustee.published')}`, 'ok');
          break;
        }
        case 'deal': {
          const dealt = await dealForCeremony(p, m.index, await secret(m), m.exchangeKeys);
          await publish('dealing', dealt.dealing);
          for (const envelope of dealt.envelopes) await publish('envelope', envelope);
          show(say('ceremony.trustee.published'), 'ok');
          break;
        }
        case 'receive': {
          const e = await secret(m);
          const pass = passphrase();
          let outcome;
          try {
            outcome = await receiveForCeremony(p, m.index, e, m.exchangeKeys, m.dealings, m.envelopes);
          } catch {
            show(say('ceremony.trustee.relayFault'), 'error');
            break;
          }
          if (!outcome.ok) {
            if (outcome.complaint) await publish('complaint', outcome.complaint);
            show(say('ceremony.trustee.complained'), 'error');
            break;
          }
          download(await sealTrusteeFile({ contextId: m.contextId, electionId: m.electionId, index: m.index, publicShare: outcome.publicShare, publicKey: outcome.publicKey },
            { secretShare: outcome.secretShare }, pass), name('final'));
          await publish('confirmation', outcome.confirmation);
          fingerprints(m, outcome);
          show(say('ceremony.trustee.finalDownloaded'), 'ok');
          break;
        }
        case 'possession': {
          const { header, content } = await fileContent();
          if (header.contextId !== m.contextId || header.index !== m.index) throw new TrusteeFileError('format', 'not a file of this ceremony');
          // The first step's ceremony file holds the exchange secret, not the key share: say which file to choose.
          if (content.secretShare === undefined) throw new Error(say('ceremony.trustee.file.notFinal'));
          const { nonce } = await post(urls.nonce, {}) as { nonce: string };
          const proof = simpleProofToJson(provePossession(m.contextId, m.index, content.secretShare, nonce));
          await post(urls.possession, { nonce, proof: JSON.stringify(proof) });
          proved = true;
          showStep('finished', m);
          show(`${say('ceremony.trustee.proved')} ${say('ceremony.trustee.allDone')}`, 'ok');
          break;
        }
        default:
          return;
      }
    } catch (e) {
      showError(e);
    } finally {
      busy = false;
    }
    await refresh();
  }

  for (const button of el.querySelectorAll<HTMLButtonElement>('[data-action]')) {
    button.addEventListener('click', () => void run(button.dataset['action']!));
  }
  void refresh();
}

/** The server refused a step; its message is already translated. */
class ServerRefusal extends Error {
  override name = 'ServerRefusal';
}
