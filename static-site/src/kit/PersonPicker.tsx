// Picks one person from a list by typing part of their name or email (React Aria's ComboBox): the list narrows as
// one types, arrow keys and Enter choose, and the choice is the person's id. Submitted with forms under `name`.
// The field shows the chosen person's name only; the list matches name or email, and shows everyone again when opened
// from its button or while the field still holds the chosen name.
import { useEffect, useState } from 'react';
import { Button, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { useTranslation } from 'react-i18next';

export interface Person {
  readonly person_id: string;
  readonly display_name: string;
  readonly email: string;
}

export function PersonPicker({
  label,
  name,
  people,
  value,
  onChange,
  error,
  placeholder,
}: {
  label: string;
  name: string;
  people: readonly Person[];
  /** The chosen person's id; empty for none. */
  value: string;
  onChange: (personId: string) => void;
  error?: string | undefined;
  placeholder?: string;
}) {
  const { t } = useTranslation();
  const chosen = people.find((person) => person.person_id === value);
  const [inputValue, setInputValue] = useState(chosen?.display_name ?? '');
  const [showAll, setShowAll] = useState(false);
  // The form may clear or set the choice itself (after a submit, say): the field follows.
  useEffect(() => setInputValue(chosen?.display_name ?? ''), [value, chosen?.display_name]);
  const query = inputValue.trim().toLocaleLowerCase();
  const everyone = showAll || query === '' || (chosen !== undefined && inputValue === chosen.display_name);
  const items = people
    .filter((p) => everyone || p.display_name.toLocaleLowerCase().includes(query) || p.email.toLocaleLowerCase().includes(query))
    .map((person) => ({ id: person.person_id, person }));
  return (
    <ComboBox
      className={`field combobox${error ? ' field--invalid' : ''}`}
      name={name}
      formValue="key"
      selectedKey={value || null}
      onSelectionChange={(key) => {
        const id = key === null ? '' : String(key);
        setInputValue(people.find((person) => person.person_id === id)?.display_name ?? '');
        setShowAll(false);
        onChange(id);
      }}
      inputValue={inputValue}
      onInputChange={(text) => {
        setInputValue(text);
        setShowAll(false);
        if (text === '' && value !== '') onChange('');
      }}
      onOpenChange={(open, trigger) => setShowAll(open && trigger === 'manual')}
      items={items}
      allowsEmptyCollection
      isInvalid={Boolean(error)}
      validationBehavior="aria"
    >
      <Label className="field__label">{label}</Label>
      <div className="combobox__control">
        <Input className="combobox__input" placeholder={placeholder} />
        <Button className="combobox__button" aria-label={t('kit.showList')}>
          ▾
        </Button>
      </div>
      {error && <FieldError className="field__error">{error}</FieldError>}
      <Popover className="popover">
        <ListBox className="listbox listbox--scroll" renderEmptyState={() => <Text className="listbox__empty">{t('kit.nobodyMatches')}</Text>}>
          {(item: { id: string; person: Person }) => (
            <ListBoxItem id={item.id} className="listbox__item" textValue={item.person.display_name}>
              <Text slot="label">{item.person.display_name}</Text>
              <Text slot="description" className="listbox__description">
                {item.person.email}
              </Text>
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
