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
document.addEventListener('change', (event) => {
  const form = event.target instanceof Element ? event.target.closest('form[data-ballot]') : null;
  if (form) updateBallotCounter(form);
});
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches('[data-ballot]')) return;
  updateBallotCounter(form);
  if (form.classList.contains('ballot-form--over')) {
    event.preventDefault();
    event.stopImmediatePropagation();
    form.querySelector('[data-over]')?.scrollIntoView({ block: 'center' });
  }
}, true);
// Forms swapped in by htmx get their counter set too.
document.addEventListener('htmx:after:swap', () => {
  for (const form of document.querySelectorAll('form[data-ballot]')) updateBallotCounter(form);
});
