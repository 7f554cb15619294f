// Small progressive enhancements; the pages work without this file.
// (No inline scripts and no inline htmx event handlers: the Content-Security-Policy forbids both.)
document.documentElement.classList.add('js');

// Credential slips: the Print button (hidden until this file runs) opens the print dialog.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}

// Ballots: keep the count of "For" marks live against the seats, and warn before the review step.
// The server checks again; this only spares the deputy a round trip.
function updateBallotCounter(form) {
  const seats = Number(form.dataset.seats);
  const count = [...form.querySelectorAll('input:checked')].filter((i) => i.value === 'F').length;
  const counter = form.querySelector('[data-count]');
  const over = form.querySelector('[data-over]');
  if (counter) counter.textContent = String(count);
  if (over) over.hidden = !(seats && count > seats);
  form.classList.toggle('ballot-form--over', Boolean(seats && count > seats));
}

// Ballots: an item left without a mark is marked in the page, as the server does when it refuses
// such a ballot: the item's message shown and tied to its group, its choices aria-invalid, and the
// error summary at the top listing it, focused. The elements are all in the page, hidden while the
// item is fine (views/ballots/ballot.tsx); the browser's own bubble is switched off (novalidate).
function setMissing(area, item, missing) {
  const key = item.dataset.item;
  item.classList.toggle('ballot-item--missing', missing);
  const message = item.querySelector('.ballot-item__error');
  if (message) message.hidden = !missing;
  const group = item.querySelector('fieldset');
  if (group) {
    if (missing) group.setAttribute('aria-describedby', message.id);
    else group.removeAttribute('aria-describedby');
  }
  for (const input of item.querySelectorAll('input[type="radio"]')) {
    if (missing) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  const entry = area.querySelector(`[data-missing-link="${CSS.escape(key)}"]`);
  if (entry) entry.hidden = !missing;
}
function showSummaryIfAny(area) {
  const summary = area.querySelector('[data-error-summary]');
  if (!summary) return undefined;
  summary.hidden = !summary.querySelector('li:not([hidden])');
  return summary.hidden ? undefined : summary;
}
/** Marks every item of the form without a mark; true when there was one (the summary is then focused). */
function markUnmarked(form) {
  const area = form.closest('#ballot-area') ?? document;
  const items = [...form.querySelectorAll('[data-item]')].filter((item) => item.querySelector('input[type="radio"]'));
  const unmarked = items.filter((item) => !item.querySelector('input[type="radio"]:checked'));
  if (!unmarked.length) return false;
  // What the server said last time no longer holds once the deputy changed the ballot.
  for (const old of area.querySelectorAll('[data-server-error]')) old.remove();
  for (const item of items) setMissing(area, item, unmarked.includes(item));
  const summary = showSummaryIfAny(area);
  summary?.focus();
  summary?.scrollIntoView({ block: 'start' });
  return true;
}
function enhanceBallotForms() {
  for (const form of document.querySelectorAll('form[data-ballot]')) {
    form.noValidate = true;
    updateBallotCounter(form);
  }
  // A summary the server sent (after an htmx swap, where autofocus does not apply) gets the focus.
  document.querySelector('#ballot-area [data-error-summary]:not([hidden])')?.focus();
}
enhanceBallotForms();
// The summary's links move the focus to the item's first choice, below the sticky counter.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('[data-error-summary] a[href^="#"]') : null;
  const input = link ? document.getElementById(link.getAttribute('href').slice(1)) : null;
  if (!input) return;
  event.preventDefault();
  input.closest('[data-item]')?.scrollIntoView({ block: 'start' });
  input.focus({ preventScroll: true });
});

document.addEventListener('change', (event) => {
  const form = event.target instanceof Element ? event.target.closest('form[data-ballot]') : null;
  if (!form) return;
  updateBallotCounter(form);
  // A mark given clears that item's flag; the summary goes once nothing is left in it.
  const item = event.target.closest('[data-item].ballot-item--missing');
  if (item) {
    const area = form.closest('#ballot-area') ?? document;
    setMissing(area, item, false);
    showSummaryIfAny(area);
  }
});
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches('[data-ballot]')) return;
  updateBallotCounter(form);
  if (markUnmarked(form)) {
    event.preventDefault();
    event.stopImmediatePropagation();
    return;
  }
  if (form.classList.contains('ballot-form--over')) {
    event.preventDefault();
    event.stopImmediatePropagation();
    form.querySelector('[data-over]')?.scrollIntoView({ block: 'center' });
  }
}, true);
// Forms swapped in by htmx get the same.
document.addEventListener('htmx:after:swap', enhanceBallotForms);

// Shared tablets: nothing of a ballot, a review or a receipt may be left for the next deputy.
// The receipt goes to the sign-in page when the deputy presses "leave" or when its countdown ends,
// replacing its own history entry, so Back does not come to it.
function leaveReceipt(area) {
  area.replaceChildren();
  location.replace(area.dataset.returnTo);
}
const receipt = document.querySelector('[data-shared-receipt]');
if (receipt) {
  const countdown = receipt.querySelector('[data-countdown]');
  const end = Date.now() + Number(receipt.dataset.seconds) * 1000;
  const tick = () => {
    const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    if (countdown) countdown.textContent = countdown.dataset.template.replace('{seconds}', String(left));
    if (left === 0) {
      clearInterval(timer);
      leaveReceipt(receipt);
    }
  };
  const timer = setInterval(tick, 1000);
  for (const link of receipt.querySelectorAll('[data-leave]')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      clearInterval(timer);
      leaveReceipt(receipt);
    });
  }
}
// Leaving a page of a shared-tablet ballot empties it, so that the back/forward cache keeps nothing
// to show; should the browser still bring it back, go where the page says instead (the ballot page
// again, which sends a signed-out person to sign in; or, for the receipt, the sign-in page).
window.addEventListener('pagehide', () => {
  for (const area of document.querySelectorAll('[data-shared-tablet]')) area.replaceChildren();
});
window.addEventListener('pageshow', (event) => {
  const area = document.querySelector('[data-shared-tablet]');
  if (!event.persisted || !area) return;
  area.replaceChildren();
  location.replace(area.dataset.returnTo);
});
