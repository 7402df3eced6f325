// A labelled choice from a short, fixed list on React Aria's Select (a button that opens a listbox): keyboard first,
// typeahead, its hint and error tied to it for screen readers, and submitted with forms under `name` (React Aria
// renders a hidden native select for that and for autofill). Long lists of people use PersonPicker instead.
import type { ReactNode } from 'react';
import { Button, FieldError, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Text } from 'react-aria-components';

export interface SelectOption {
  /** The submitted value; empty for "none". */
  readonly id: string;
  readonly label: string;
  /** The language the label is written in, when it is not the page's (a language's own name, say). */
  readonly lang?: string;
}

export function SelectField({
  label,
  name,
  options,
  value,
  onChange,
  error,
  hint,
  isDisabled,
}: {
  label: ReactNode;
  name?: string;
  options: readonly SelectOption[];
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  isDisabled?: boolean;
}) {
  // React Aria keys cannot be empty strings; "none" travels under a key of its own and is submitted as "".
  const keyOf = (id: string) => (id === '' ? NONE : id);
  return (
    <Select
      className={`field select-field${error ? ' field--invalid' : ''}`}
      name={name}
      selectedKey={keyOf(value)}
      onSelectionChange={(key) => key !== null && onChange(key === NONE ? '' : String(key))}
      isInvalid={Boolean(error)}
      isDisabled={isDisabled}
      validationBehavior="aria"
    >
      <Label className="field__label">{label}</Label>
      {hint && (
        <Text slot="description" className="field__hint">
          {hint}
        </Text>
      )}
      <Button className="select__button select-field__button">
        <SelectValue className="select-field__value" />
        <span aria-hidden="true">▾</span>
      </Button>
      {error && <FieldError className="field__error">{error}</FieldError>}
      <Popover className="popover" placement="bottom start">
        <ListBox className="listbox listbox--scroll">
          {options.map((option) => (
            <ListBoxItem key={keyOf(option.id)} id={keyOf(option.id)} className="listbox__item" textValue={option.label}>
              {option.lang ? <span lang={option.lang}>{option.label}</span> : option.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

const NONE = '\u0000none';
