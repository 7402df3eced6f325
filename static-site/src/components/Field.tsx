// Labelled form controls with their hint and their error from the server's `errors[]`, wired for screen readers.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { FieldError, Input, Label, Text, TextField } from 'react-aria-components';

interface FieldFrame {
  readonly label: ReactNode;
  readonly error?: string | undefined;
  readonly hint?: ReactNode;
}

function describedBy(hintId: string | undefined, errorId: string | undefined): string | undefined {
  const ids = [hintId, errorId].filter(Boolean).join(' ');
  return ids === '' ? undefined : ids;
}

/**
 * A text input on React Aria's TextField (ADR 0017): label, hint and error are tied to the input for screen readers by
 * the kit. The input takes every native attribute (type, autoComplete, required, min, value, onChange…).
 */
export function Field({ label, error, hint, id, className, ...input }: FieldFrame & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <TextField
      className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      id={id ? `${id}-field` : undefined}
    >
      <Label>{label}</Label>
      {hint && (
        <Text slot="description" className="field__hint">
          {hint}
        </Text>
      )}
      <Input id={id} {...input} />
      {error && <FieldError className="field__error">{error}</FieldError>}
    </TextField>
  );
}

export function SelectField({
  label,
  error,
  hint,
  id,
  children,
  ...select
}: FieldFrame & SelectHTMLAttributes<HTMLSelectElement>) {
  const generated = useId();
  const selectId = id ?? generated;
  const hintId = hint ? `${selectId}-hint` : undefined;
  const errorId = error ? `${selectId}-error` : undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={selectId}>{label}</label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      <select id={selectId} aria-invalid={error ? true : undefined} aria-describedby={describedBy(hintId, errorId)} {...select}>
        {children}
      </select>
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
