/**
 * The deputy's ballot page in encrypted mode (views/ballots/ballot.tsx with encrypted data,
 * views/ballots/encrypted.tsx), bundled into one ES module and served as /assets/ballot-page.js
 * (src/platform/http/bundle.ts): no inline script. On "review" it checks the marks (app.js has shown
 * any problem already, with the same messages, and stopped the submit), encrypts and proves them
 * here with the crypto core (encryptBallotWithRandomness), computes the tracker, and shows the
 * review in the page. The marks never leave this page when the deputy casts: the cast form carries
 * nonce, nonceMac and the encrypted ballot only. Checking the encryption (Benaloh) first asks in the
 * page; only when the deputy confirms does it post the marks and the randomness with the ballot
 * (and confirm=1), which is then published and never counted.
 */
import { CHOICE_PREFIX } from '../../src/ballots/form.ts';
import { marksFromChoices, type BallotSpec as RulesSpec } from '../../src/ballots/rules.ts';
import { encryptBallotWithRandomness, type BallotSpec } from '../../src/domain/crypto/ballot.ts';
import { decodePoint } from '../../src/domain/crypto/group.ts';
import { encryptedTracker } from '../../src/domain/record/format-v2.ts';

const ballotForm = document.querySelector<HTMLFormElement>('form[data-encrypted]');
const review = document.getElementById('encrypted-review');
const status = document.getElementById('encrypted-status');
if (ballotForm && review && status) start(ballotForm, review, status);

function field(form: HTMLFormElement, name: string): HTMLInputElement {
  const input = form.elements.namedItem(name);
  if (!(input instanceof HTMLInputElement)) throw new Error(`no field ${name}`);
  return input;
}

function start(form: HTMLFormElement, review: HTMLElement, status: HTMLElement): void {
  const data = form.dataset;
  const spec = JSON.parse(data['spec']!) as BallotSpec;
  const contextId = data['contextId']!;
  const nonce = data['nonce']!;
  const key = decodePoint(data['publicKey']!);
  const labels = JSON.parse(review.dataset['labels']!) as Record<string, string>;
  // The marks rule of the server (src/ballots/rules.ts): only a satisfaction vote has no limit by seats.
  const rules: RulesSpec = {
    kind: spec.marking === 'satisfaction' ? 'satisfaction' : 'selection', marking: spec.marking, seats: spec.seats ?? null, optionKeys: spec.optionKeys,
  };
  const castForm = review.querySelector<HTMLFormElement>('form[data-cast-form]')!;
  const spoilForm = review.querySelector<HTMLFormElement>('form[data-spoil-form]')!;
  const area = form.closest<HTMLElement>('#ballot-area') ?? document.body;
  /** What is shown with the ballot form and hidden with the review (the instructions, the summary). */
  const besideForm = [...area.querySelectorAll<HTMLElement>('.ballot-help, .error-summary')];

  const say = (text: string, kind: 'info' | 'error') => {
    status.textContent = text;
    status.className = `notice notice--${kind === 'error' ? 'error' : 'ok'}`;
    status.hidden = false;
  };

  // The check (spoil) asks in the page before anything is sent: the marks and the randomness enter
  // its form only when the deputy confirms, and leave it again when they go back.
  const spoilAsk = review.querySelector<HTMLButtonElement>('[data-spoil-ask]')!;
  let spoilReveal: { marks: string; randomness: string } | undefined;
  const closeSpoil = () => {
    field(spoilForm, 'marks').value = '';
    field(spoilForm, 'randomness').value = '';
    spoilForm.hidden = true;
    spoilAsk.hidden = false;
    spoilAsk.setAttribute('aria-expanded', 'false');
  };
  spoilAsk.addEventListener('click', () => {
    spoilForm.hidden = false;
    spoilAsk.hidden = true;
    spoilAsk.setAttribute('aria-expanded', 'true');
    spoilForm.focus();
  });
  review.querySelector<HTMLButtonElement>('[data-spoil-cancel]')!.addEventListener('click', () => {
    closeSpoil();
    spoilAsk.focus();
  });
  spoilForm.addEventListener('submit', (event) => {
    if (!spoilReveal || field(spoilForm, 'ballot').value === '') { event.preventDefault(); return; }
    field(spoilForm, 'marks').value = spoilReveal.marks;
    field(spoilForm, 'randomness').value = spoilReveal.randomness;
  });

  const clearEncrypted = () => {
    for (const f of [castForm, spoilForm]) field(f, 'ballot').value = '';
    spoilReveal = undefined;
    closeSpoil();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const choices: Record<string, string> = {};
    for (const [name, value] of new FormData(form)) {
      if (name.startsWith(CHOICE_PREFIX) && typeof value === 'string') choices[name.slice(CHOICE_PREFIX.length)] = value;
    }
    const checked = marksFromChoices(rules, choices);
    if (!checked.ok) return; // app.js has marked the problems in the page
    say(review.dataset['sayEncrypting']!, 'info');
    // Let the status paint before the work (a second or two on a slow tablet).
    setTimeout(() => {
      try {
        const { ballot, randomness } = encryptBallotWithRandomness(key, spec, contextId, nonce, checked.marks);
        const tracker = encryptedTracker(contextId, nonce, ballot.ciphertexts);
        const json = JSON.stringify(ballot);
        field(castForm, 'ballot').value = json;
        field(spoilForm, 'ballot').value = json;
        spoilReveal = { marks: checked.marks, randomness: JSON.stringify(randomness) };
        closeSpoil();
        spec.optionKeys.forEach((k, i) => {
          const cell = review.querySelector<HTMLElement>(`[data-mark-of="${CSS.escape(k)}"]`);
          if (cell) cell.textContent = labels[checked.marks[i]!] ?? checked.marks[i]!;
        });
        review.querySelector<HTMLElement>('[data-review-tracker]')!.textContent = tracker;
        status.hidden = true;
        form.hidden = true;
        for (const el of besideForm) el.hidden = true;
        review.hidden = false;
        review.scrollIntoView({ block: 'start' });
        review.focus();
      } catch (e) {
        clearEncrypted();
        say(review.dataset['sayFailed']! + (e instanceof Error ? e.message : String(e)), 'error');
      }
    }, 30);
  });

  review.querySelector<HTMLButtonElement>('[data-change]')!.addEventListener('click', () => {
    clearEncrypted();
    review.hidden = true;
    form.hidden = false;
    for (const el of besideForm) if (!el.matches('.error-summary')) el.hidden = false;
    form.scrollIntoView({ block: 'start' });
    form.querySelector<HTMLInputElement>('input')?.focus();
  });
}
