import type { Child } from 'hono/jsx';

export interface FieldProps {
  name: string;
  /** The element id, when one page has two forms with a field of the same name; default f-<name>. */
  id?: string;
  label: string;
  type?: 'text' | 'password' | 'number' | 'date' | 'email' | 'tel';
  value?: string;
  error?: string;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  maxlength?: number;
  minlength?: number;
}

/** A labelled input with its hint and error tied to it for screen readers. */
export function Field(p: FieldProps) {
  const id = p.id ?? `f-${p.name}`;
  const describedBy = [p.hint && `${id}-hint`, p.error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${p.error ? ' field--error' : ''}`}>
      <label for={id}>{p.label}</label>
      {p.hint && <p id={`${id}-hint`} class="field__hint">{p.hint}</p>}
      {p.error && <p id={`${id}-error`} class="field__error">{p.error}</p>}
      <input
        id={id} name={p.name} type={p.type ?? 'text'} value={p.value} autocomplete={p.autocomplete}
        required={p.required} autofocus={p.autofocus} maxlength={p.maxlength} minlength={p.minlength}
        aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy}
      />
    </div>
  );
}

/**
 * A form-level message: an error summary (role=alert), a confirmation (role=status), or a warning
 * that is part of the page from the start (no live region: it is read in order, not announced).
 */
export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'warn'; children: Child }) {
  const role = kind === 'error' ? 'alert' : kind === 'ok' ? 'status' : undefined;
  return <div class={`notice notice--${kind}`} role={role}>{children}</div>;
}

/** A button that posts a one-field form: sign out, revoke, reset. Works without JavaScript. */
export function PostButton({ action, label, kind = 'secondary', hidden }: { action: string; label: string; kind?: 'primary' | 'secondary' | 'danger'; hidden?: Record<string, string> }) {
  return (
    <form method="post" action={action} class="inline-form">
      {Object.entries(hidden ?? {}).map(([k, val]) => <input type="hidden" name={k} value={val} />)}
      <button type="submit" class={`button button--${kind}`}>{label}</button>
    </form>
  );
}

export function SelectField({ name, label, options, value, error, id = `f-${name}` }: { name: string; label: string; options: [string, string][]; value?: string; error?: string; id?: string }) {
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={id}>{label}</label>
      {error && <p id={`${id}-error`} class="field__error">{error}</p>}
      <select id={id} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {options.map(([val, text]) => <option value={val} selected={val === value}>{text}</option>)}
      </select>
    </div>
  );
}

export function TextArea({ name, label, value, error, hint, rows = 4 }: { name: string; label: string; value?: string; error?: string; hint?: string; rows?: number }) {
  const id = `f-${name}`;
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={id}>{label}</label>
      {hint && <p id={`${id}-hint`} class="field__hint">{hint}</p>}
      {error && <p id={`${id}-error`} class="field__error">{error}</p>}
      <textarea id={id} name={name} rows={rows} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>{value ?? ''}</textarea>
    </div>
  );
}
