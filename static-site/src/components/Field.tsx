// Labelled form controls with their hint and their error from the server's `errors[]`, wired for screen readers.
import type { InputHTMLAttributes, ReactNode } from 'react';
import { FieldError, Input, Label, Text, TextField } from 'react-aria-components';

interface FieldFrame {
  readonly label: ReactNode;
  readonly error?: string | undefined;
  readonly hint?: ReactNode;
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
