/**
 * The trustee's decryption page (views/decryption/trustee.tsx), bundled into one ES module and served
 * as /assets/decryption.js (src/platform/http/bundle.ts): no inline script. It opens the trustee's
 * file with its passphrase in this page, checks that the key share in it is this trustee's for this
 * election, checks the proofs of EVERY sealed encrypted ballot and recomputes their sum (the
 * reference checker, in a few workers at once: views/assets/decryption-worker.ts; the
 * Content-Security-Policy allows no WebAssembly, so libsodium cannot run here), refuses loudly when
 * the server sent another number of ballots than the roll's electronic count the page states, an
 * aggregate whose digest is not the page's (src/decryption/as-sealed.ts), or when the sum differs
 * from the aggregate the server fixed at the seal, and
 * only then decrypts the totals with a Chaum–Pedersen proof each and posts them as one form field
 * `partial`. The key share never leaves the page. Every text it shows is read from the page.
 */
import canonicalize from 'canonicalize';
import { add, ciphertextFromJson, ciphertextToJson, type CiphertextJson } from '../../src/domain/crypto/elgamal.ts';
import { G, encodePoint, mulSecret } from '../../src/domain/crypto/group.ts';
import { openTrusteeFile, TrusteeFileError } from '../../src/domain/crypto/trustee-file.ts';
import { aggregateDigest, checkAsSealed, digestWords } from '../../src/decryption/as-sealed.ts';
import { partialDecryption } from '../../src/decryption/rules.ts';
import type { BallotSpec } from '../../src/domain/crypto/ballot.ts';
import { LETTERS } from '../../src/domain/vocabulary.ts';
import type { CheckAnswer, CheckRequest } from './decryption-worker.ts';

interface DecryptionData {
  ok: boolean;
  index: number;
  contextId: string;
  threshold: number;
  publicKey: string;
  trustees: { index: number; name: string; publicShare: string; decrypted: boolean }[];
  spec: BallotSpec;
  ballots: { nonce: string; ballot: unknown }[];
  aggregate: CiphertextJson[][];
}

/** A refusal the server explained (its message is already translated). */
class ServerRefusal extends Error {}
/** A refusal of this page's own checks (its message is already translated). */
class Stop extends Error {}

const root = document.getElementById('decryption-trustee');
if (root) start(root);

function start(el: HTMLElement): void {
  el.hidden = false;
  const strings = new Map([...document.querySelectorAll<HTMLElement>('#decryption-strings [data-key]')].map((li) => [li.dataset['key']!, li.textContent ?? '']));
  const say = (key: string, values: Record<string, string | number> = {}) =>
    (strings.get(key) ?? key).replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
  const status = document.getElementById('decryption-status')!;
  const meter = document.getElementById('decryption-meter') as HTMLProgressElement;
  const fileInput = document.getElementById('decryption-file') as HTMLInputElement;
  const passphraseInput = document.getElementById('decryption-passphrase') as HTMLInputElement;
  const button = el.querySelector<HTMLButtonElement>('[data-action=decrypt]')!;
  let busy = false;

  const show = (text: string, kind: 'ok' | 'error' | 'info' = 'info') => {
    status.textContent = text;
    status.className = `big-facts notice notice--${kind}`;
  };
  const describe = (e: unknown): string => {
    if (e instanceof TrusteeFileError) return say(`ceremony.trustee.file.${e.code}`);
    if (e instanceof ServerRefusal || e instanceof Stop) return e.message;
    return e instanceof Error ? e.message : String(e);
  };
  /** Lets the page repaint (progress) between chunks of work. */
  const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

  async function load(): Promise<DecryptionData> {
    const res = await fetch(el.dataset['data']!, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    const body = await res.json() as DecryptionData & { message?: string };
    if (!res.ok || !body.ok) throw new ServerRefusal(body.message ?? String(res.status));
    return body;
  }

  /**
   * Checks every ballot's proofs and sums them, in up to four workers (one per core), each over a
   * run of ballots; the first refusal stops them all. Resolves with the sum of all the ballots.
   */
  function checkAll(data: DecryptionData, onProgress: (checked: number) => void): Promise<CiphertextJson[][]> {
    const total = data.ballots.length;
    const count = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2, Math.ceil(total / 8)));
    const size = Math.ceil(total / count);
    const workers: Worker[] = [];
    el.dataset['workers'] = String(count);
    return new Promise<CiphertextJson[][]>((resolve, reject) => {
      const sums: CiphertextJson[][][] = [];
      let checked = 0;
      const stop = (e: Error) => {
        workers.forEach((w) => w.terminate());
        reject(e);
      };
      for (let w = 0; w < count; w++) {
        const worker = new Worker(el.dataset['worker']!, { type: 'module' });
        workers.push(worker);
        worker.onerror = (e) => stop(new Error(e.message));
        worker.onmessage = (e: MessageEvent<CheckAnswer>) => {
          const m = e.data;
          if (m.kind === 'progress') {
            checked += m.checked;
            onProgress(checked);
          } else if (m.kind === 'refused') {
            stop(new Stop(say('decryption.script.badBallot', { n: m.index + 1, reason: m.reason })));
          } else {
            worker.terminate();
            sums.push(m.aggregate);
            if (sums.length === count) {
              resolve(sums.reduce((acc, s) => acc.map((row, o) => row.map((ct, l) => ciphertextToJson(add(ciphertextFromJson(ct), ciphertextFromJson(s[o]![l]!)))))));
            }
          }
        };
        const request: CheckRequest = {
          publicKey: data.publicKey, spec: data.spec, contextId: data.contextId, offset: w * size, ballots: data.ballots.slice(w * size, (w + 1) * size),
        };
        worker.postMessage(request);
      }
    });
  }

  async function run(): Promise<void> {
    const file = fileInput.files?.[0];
    if (!file) throw new Stop(say('decryption.script.noFile'));
    show(say('decryption.script.loading'));
    const data = await load();
    show(say('decryption.script.opening'));
    const { header, content } = await openTrusteeFile(await file.text(), passphraseInput.value);
    const mine = data.trustees.find((t) => t.index === data.index);
    if (header.contextId !== data.contextId || header.index !== data.index || content.secretShare === undefined || !mine) {
      throw new Stop(say('decryption.script.wrongFile'));
    }
    const share = content.secretShare;
    if (encodePoint(mulSecret(G, share)) !== mine.publicShare) throw new Stop(say('decryption.script.wrongShare'));

    // As many ballots as the roll's electronic votes, and the aggregate whose digest the page shows
    // (the one the seal fixed): a server cannot have one ballot, or a few, decrypted in place of the sum.
    const aggregateText = canonicalize(data.aggregate)!;
    const electronic = Number(el.dataset['electronic']);
    const problem = checkAsSealed({ ballots: data.ballots, aggregateText }, { electronic, words: el.dataset['digest'] ?? '' });
    if (problem === 'count') throw new Stop(say('decryption.script.count', { sent: data.ballots.length, electronic }));
    if (problem === 'digest') throw new Stop(say('decryption.script.digest', { words: digestWords(aggregateDigest(aggregateText))! }));

    // Every ballot's proofs, and the sum of the ballots as this browser computes it.
    const started = performance.now();
    const total = data.ballots.length;
    meter.hidden = false;
    meter.max = Math.max(1, total);
    show(say('decryption.script.checking', { done: 0, total }));
    const sum = await checkAll(data, (done) => {
      meter.value = done;
      show(say('decryption.script.checking', { done, total }));
    });
    el.dataset['checkMs'] = String(Math.round(performance.now() - started));
    if (canonicalize(sum) !== aggregateText) throw new Stop(say('decryption.script.mismatch'));

    // Only the totals are decrypted, each with its proof.
    show(say('decryption.script.proving'));
    await breathe();
    const { shares } = partialDecryption({ publicKey: data.publicKey, contextId: data.contextId, letters: LETTERS[data.spec.marking] }, data.index, share, data.aggregate);

    show(say('decryption.script.sending'));
    const res = await fetch(el.dataset['post']!, {
      method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' },
      body: new URLSearchParams({ partial: JSON.stringify({ trustee: data.index, shares }) }),
    });
    const answer = await res.json() as { ok: boolean; message?: string; combined?: boolean };
    if (!res.ok || !answer.ok) throw new ServerRefusal(answer.message ?? String(res.status));
    passphraseInput.value = '';
    // Done: nothing is left to fill in.
    button.hidden = true;
    meter.hidden = true;
    el.querySelectorAll<HTMLElement>('[data-input]').forEach((f) => { f.hidden = true; });
    // The list of who has decrypted was served before this share: stale now (a reload shows it again).
    const progress = document.getElementById('decryption-progress-block');
    if (progress) progress.hidden = true;
    show(say(answer.combined ? 'decryption.script.combined' : 'decryption.script.sent'), 'ok');
    el.dataset['done'] = answer.combined ? 'combined' : 'sent';
  }

  button.addEventListener('click', () => {
    if (busy) return;
    busy = true;
    button.disabled = true;
    run().catch((e: unknown) => {
      show(say('decryption.script.failed') + describe(e), 'error');
      button.disabled = false;
    }).finally(() => { busy = false; });
  });
}
