/**
 * The check page of spoiled ballots (GET /check, views/ballots/encrypted.tsx CheckPage), bundled
 * into one ES module and served as /assets/check-ballot.js. A spoiled ballot, fetched by its tracker
 * from /api/trackers/:tracker or pasted as that JSON (the page also works saved and opened offline),
 * is checked here with the crypto core: the published marks and randomness must re-encrypt to the
 * ballot's ciphertexts (checkSpoiledBallot), every proof must hold (verifyBallot), and the tracker
 * must be the hash of the ciphertexts and the nonce (encryptedTracker). Every text is read from the page.
 */
import { checkSpoiledBallot, verifyBallot, type EncryptedBallot } from '../../src/domain/crypto/ballot.ts';
import type { SpoiledCheck as PublishedCheck } from '../../src/ballots/encrypted.ts';
import { electionKeyFingerprint } from '../../src/domain/crypto/fingerprint.ts';
import { decodePoint } from '../../src/domain/crypto/group.ts';
import { encryptedTracker } from '../../src/domain/record/format-v2.ts';

// The shape /api/trackers/:tracker serves (a type only: nothing of the server is bundled). The
// fingerprint it also carries is not taken from it: this page computes it from the key.
type SpoiledCheck = Omit<PublishedCheck, 'fingerprint'>;

// Outside a browser (the tests import checkSpoiled) there is no page to run on.
const root = typeof document === 'undefined' ? null : document.getElementById('check-ballot');
if (root) start(root);

function isCheck(x: unknown): x is SpoiledCheck {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  return ['publicKey', 'contextId', 'tracker', 'nonce', 'marks'].every((k) => typeof c[k] === 'string')
    && typeof c['spec'] === 'object' && c['spec'] !== null && Array.isArray(c['ciphertexts']) && typeof c['proofs'] === 'object' && Array.isArray(c['randomness']);
}

/** What the checks say about a spoiled ballot: every failure, or none. */
export function checkSpoiled(c: SpoiledCheck): { fingerprint: string; failures: ('failOpen' | 'failProof' | 'failTracker')[]; details: string[] } {
  const key = decodePoint(c.publicKey);
  const ballot: EncryptedBallot = { ciphertexts: c.ciphertexts, proofs: c.proofs };
  const failures: ('failOpen' | 'failProof' | 'failTracker')[] = [];
  const details: string[] = [];
  const opened = checkSpoiledBallot(key, c.spec, ballot, c.marks, c.randomness);
  if (opened !== true) {
    failures.push('failOpen');
    details.push(opened);
  }
  const proved = verifyBallot(key, c.spec, c.contextId, c.nonce, ballot);
  if (proved !== true) {
    failures.push('failProof');
    details.push(proved);
  }
  if (encryptedTracker(c.contextId, c.nonce, c.ciphertexts) !== c.tracker) failures.push('failTracker');
  return { fingerprint: electionKeyFingerprint(c.contextId, key), failures, details };
}

function start(el: HTMLElement): void {
  const strings = new Map([...el.querySelectorAll<HTMLElement>('#check-strings [data-key]')].map((li) => [li.dataset['key']!, li.textContent ?? '']));
  const say = (k: string) => strings.get(k) ?? k;
  const labels = JSON.parse(el.dataset['labels'] ?? '{}') as Record<string, Record<string, string>>;
  const result = el.querySelector<HTMLElement>('#check-result')!;
  const trackerForm = el.querySelector<HTMLFormElement>('form[data-check-tracker]')!;
  const jsonForm = el.querySelector<HTMLFormElement>('form[data-check-json]')!;
  const trackerInput = trackerForm.querySelector<HTMLInputElement>('input[name="tracker"]')!;
  const textarea = jsonForm.querySelector<HTMLTextAreaElement>('textarea')!;

  const show = (kind: 'ok' | 'error' | 'warn', lines: (string | Node)[]) => {
    const box = document.createElement('div');
    box.className = `notice notice--${kind}`;
    box.dataset['outcome'] = kind;
    for (const line of lines) {
      const p = document.createElement('p');
      p.append(line);
      box.append(p);
    }
    result.replaceChildren(box);
  };

  /** The options' titles, when the JSON is a whole lookup (it names them); else their ids. */
  let titles: string[] = [];
  const run = (c: SpoiledCheck) => {
    show('warn', [say('working')]);
    setTimeout(() => {
      try {
        const r = checkSpoiled(c);
        const marks = [...c.marks].map((l, i) => `${i + 1}. ${titles[i] ?? c.spec.optionKeys[i] ?? '?'}: ${labels[c.spec.marking]?.[l] ?? l}`).join('；');
        const fp = document.createElement('code');
        fp.className = 'fingerprint';
        fp.textContent = r.fingerprint;
        const tracker = document.createElement('code');
        tracker.textContent = c.tracker;
        const common = [tracker, `${say('marks')} ${marks}`, (() => { const s = document.createElement('span'); s.append(say('fingerprint'), ' ', fp); return s; })()];
        if (r.failures.length === 0) show('ok', [say('ok'), ...common]);
        else show('error', [...r.failures.map(say), ...r.details, ...common]);
      } catch (e) {
        show('error', [say('badJson'), e instanceof Error ? e.message : String(e)]);
      }
    }, 30);
  };

  const fromJson = (x: unknown) => {
    // The whole answer of /api/trackers/:tracker, or its `check` member alone.
    const lookup = x as { status?: string; check?: unknown; options?: { title?: unknown }[] } | null;
    titles = Array.isArray(lookup?.options) ? lookup.options.map((o) => String(o?.title ?? '')) : [];
    if (lookup && typeof lookup === 'object' && 'status' in lookup && lookup.status !== 'spoiled') return show('error', [say('notSpoiled')]);
    const c = lookup && typeof lookup === 'object' && 'check' in lookup ? lookup.check : x;
    if (!isCheck(c)) return show('error', [say('badJson')]);
    run(c);
  };

  const fetchAndCheck = async (tracker: string) => {
    try {
      const res = await fetch(`/api/trackers/${encodeURIComponent(tracker.trim())}`, { headers: { Accept: 'application/json' } });
      if (res.status === 404) return show('error', [say('notFound')]);
      fromJson(await res.json());
    } catch (e) {
      show('error', [say('notFound'), e instanceof Error ? e.message : String(e)]);
    }
  };

  trackerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (trackerInput.value.trim()) void fetchAndCheck(trackerInput.value);
  });
  jsonForm.addEventListener('submit', (event) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(textarea.value);
    } catch {
      return show('error', [say('badJson')]);
    }
    fromJson(parsed);
  });
  if (trackerInput.value.trim() && location.protocol !== 'file:') void fetchAndCheck(trackerInput.value);
}
