// Picks one person from a list by typing part of their name or email (React Aria's ComboBox): the list narrows as
// one types, arrow keys and Enter choose, and the choice is the person's id. Submitted with forms under `name`.
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
  return (
    <ComboBox
      className={`field combobox${error ? ' field--invalid' : ''}`}
      name={name}
      formValue="key"
      selectedKey={value || null}
      onSelectionChange={(key) => onChange(key === null ? '' : String(key))}
      defaultItems={people.map((person) => ({ id: person.person_id, person }))}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      defaultFilter={(text, input) => text.toLocaleLowerCase().includes(input.toLocaleLowerCase())}
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
            <ListBoxItem id={item.id} className="listbox__item" textValue={`${item.person.display_name} ${item.person.email}`}>
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
