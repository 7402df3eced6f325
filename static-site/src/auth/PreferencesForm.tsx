// The person's language, region and time zone: what the app is written in and how dates, times and numbers read.
// Empty means "as my browser says", sent as an empty string so the server forgets the choice.
import { useMemo, useState, type FormEvent } from 'react';
import { Button, ComboBox, Input, Label, ListBox, ListBoxItem, Popover } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { SelectField } from '../kit/SelectField';
import { FormError } from '../components/FormError';
import { submitError, type SubmitError } from '../forms';
import { browserPreferences, OFFERED_LOCALES, preferences } from '../i18n';
import { confirm } from '../kit/toasts';
import { useSession, type SessionView } from '../session';

/** Every IANA zone this browser knows, or the chosen and the browser's ones where it cannot list them. */
function knownZones(extra: readonly string[]): string[] {
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...listed, ...extra.filter(Boolean)])].sort();
}

function localeName(tag: string, inLocale: string): string {
  try {
    return new Intl.DisplayNames([inLocale], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export function PreferencesForm({ session }: { session: SessionView }) {
  const { t } = useTranslation();
  const { update } = useSession();
  const browser = browserPreferences();
  const [locale, setLocale] = useState(session.person.locale ?? '');
  const [zone, setZone] = useState(session.person.time_zone ?? '');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);
  const shownIn = preferences().locale;
  const locales = useMemo(
    () => [...new Set([...OFFERED_LOCALES, ...(session.person.locale ? [session.person.locale] : [])])],
    [session.person.locale],
  );
  const zones = useMemo(() => knownZones([session.person.time_zone ?? '', browser.timeZone]), [session.person.time_zone, browser.timeZone]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(api.PATCH('/api/auth/profile', { body: { locale, time_zone: zone } }));
    setBusy(false);
    // The page is drawn again in the new language and zone; the toast outlives that, and says so in the new language.
    if (result.ok) {
      update(result.data);
      confirm({ key: 'preferences.saved' });
    }
    else setError(submitError(result, ['locale', 'time_zone']));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="preferences-heading">
      <h2 id="preferences-heading">{t('preferences.heading')}</h2>
      <p className="field__hint">{t('preferences.hint')}</p>
      <FormError error={error} />
      <SelectField
        label={t('preferences.locale')}
        name="locale"
        options={[
          { id: '', label: t('preferences.browserDefault', { value: localeName(browser.locale, shownIn) }) },
          ...locales.map((tag) => ({ id: tag, label: localeName(tag, tag), lang: tag })),
        ]}
        value={locale}
        onChange={setLocale}
        error={error?.fields.byField.locale}
      />
      <ComboBox
        className={`field combobox${error?.fields.byField.time_zone ? ' field--invalid' : ''}`}
        allowsCustomValue={false}
        selectedKey={zone || null}
        onSelectionChange={(key) => setZone(key === null ? '' : String(key))}
        defaultItems={zones.map((name) => ({ id: name, name }))}
      >
        <Label className="field__label">{t('preferences.timeZone')}</Label>
        <div className="combobox__control">
          <Input className="combobox__input" placeholder={t('preferences.browserDefault', { value: browser.timeZone })} />
          <Button className="combobox__button" aria-label={t('kit.showList')}>
            ▾
          </Button>
        </div>
        {error?.fields.byField.time_zone && <p className="field__error">{error.fields.byField.time_zone}</p>}
        <Popover className="popover">
          <ListBox className="listbox listbox--scroll">
            {(item: { id: string; name: string }) => (
              <ListBoxItem id={item.id} className="listbox__item">
                {item.name}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('preferences.saving') : t('preferences.save')}
        </button>
        {zone && (
          <button type="button" className="button button--secondary" onClick={() => setZone('')}>
            {t('preferences.browserDefault', { value: browser.timeZone })}
          </button>
        )}
      </div>
    </form>
  );
}
