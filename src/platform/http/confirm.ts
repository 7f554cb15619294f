/**
 * Confirmation of irreversible steps, without JavaScript (a JavaScript dialog is no confirmation).
 *
 * A POST to an irreversible step that does not carry `confirm=1` and the figures the person was
 * shown never acts and never errors: the route answers 200 with a page that says what follows
 * ("222 checked-in deputies have not voted") and a form posting back to the same path, whose
 * hidden fields carry those figures (`fact.<name>`). When the confirming POST arrives, the route
 * computes the figures again; if any changed meanwhile, the page is shown again with the new ones.
 */

/** Figures a confirmation states, by name; compared as strings. */
export type Facts = Readonly<Record<string, string | number>>;

export const CONFIRM_FIELD = 'confirm';
const FACT_PREFIX = 'fact.';

/** The hidden fields a confirmation form carries for these facts. */
export function factFields(facts: Facts): [name: string, value: string][] {
  return Object.entries(facts).map(([k, v]) => [`${FACT_PREFIX}${k}`, String(v)]);
}

/**
 * Where a posted form stands against the facts as they are now: not asked yet (no `confirm=1`),
 * confirmed with exactly these facts, or confirmed with facts that have changed since.
 */
export function confirmationOf(form: Readonly<Record<string, unknown>>, facts: Facts): 'unasked' | 'confirmed' | 'changed' {
  if (form[CONFIRM_FIELD] !== '1') return 'unasked';
  const posted = Object.keys(form).filter((k) => k.startsWith(FACT_PREFIX));
  const same = posted.length === Object.keys(facts).length
    && Object.entries(facts).every(([k, v]) => form[`${FACT_PREFIX}${k}`] === String(v));
  return same ? 'confirmed' : 'changed';
}
