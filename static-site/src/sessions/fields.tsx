// The composer's own form controls on React Aria: a labelled textarea for markdown, a minutes field that keeps what is
// typed until it is a whole number in range, and a search of the hub in place whose results are chosen with a button.
import { useEffect, useState } from 'react';
import { FieldError, Label, Text, TextArea, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { useHubSearch, type Card, type Found } from './queries';

export function TextAreaField({
  label,
  value,
  onChange,
  error,
  hint,
  rows = 3,
  maxLength,
  id,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  rows?: number;
  maxLength?: number;
  id?: string;
}) {
  return (
    <TextField className={`field${error ? ' field--invalid' : ''}`} value={value} onChange={onChange} isInvalid={Boolean(error)} validationBehavior="aria">
      <Label>{label}</Label>
      {hint && (
        <Text slot="description" className="field__hint">
          {hint}
        </Text>
      )}
      <TextArea id={id} rows={rows} maxLength={maxLength} dir="auto" />
      {error && <FieldError className="field__error">{error}</FieldError>}
    </TextField>
  );
}

/**
 * Minutes, as a whole number from 0 to `max`: what is typed stays in the field while it is not one (an empty field
 * while retyping, say), and only a number in range is passed on.
 */
export function MinutesField({
  label,
  value,
  onChange,
  max,
  error,
  className,
}: {
  label: string;
  value: number;
  onChange: (minutes: number) => void;
  max: number;
  error?: string | undefined;
  className?: string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(String(value));
  // Changed from elsewhere (undo, say): the field shows the new number.
  useEffect(() => setText((was) => ((was.trim() === '' ? 0 : Number(was)) === value ? was : String(value))), [value]);
  const typed = text.trim();
  const number = Number(typed);
  const wrong = typed !== '' && (!/^\d+$/.test(typed) || number > max);
  return (
    <Field
      className={className}
      label={label}
      type="number"
      inputMode="numeric"
      min={0}
      max={max}
      step={1}
      value={text}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        const trimmed = next.trim();
        if (trimmed === '') onChange(0);
        else if (/^\d+$/.test(trimmed) && Number(trimmed) <= max) onChange(Number(trimmed));
      }}
      onBlur={() => typed === '' && setText('0')}
      error={wrong ? t('sessions.errors.minutes', { max }) : error}
    />
  );
}

/** A hub resource chosen here: its id and what is known of it to show until the server answers with its card. */
export interface Chosen {
  readonly id: string;
  readonly card: Card;
}

export function chosenOf(found: Found): Chosen {
  const r = found.resource;
  return {
    id: r.id,
    card: { kind: r.kind, title: r.title, description: r.description, url: r.url ?? null, file_name: r.file?.name ?? null, excerpt: null },
  };
}

/** Searches the hub as one types and lists what it finds; each result is chosen with its own button. */
export function HubPicker({ orgId, label, onChoose, error }: { orgId: string; label: string; onChoose: (chosen: Chosen) => void; error?: string | undefined }) {
  const { t } = useTranslation();
  const [words, setWords] = useState('');
  const found = useHubSearch(orgId, words, true);
  const items = found.data?.items ?? [];
  return (
    // Its search field keeps its own undo (Ctrl+Z there is not the outline's).
    <div className="sessions__picker" data-own-undo>
      <Field label={label} type="search" value={words} onChange={(event) => setWords(event.target.value)} error={error} hint={t('sessions.hub.hint')} />
      {words.trim() && found.isFetching && (
        <p className="muted" role="status">
          {t('sessions.hub.searching')}
        </p>
      )}
      {found.error instanceof ApiError && <p className="field__error">{found.error.message}</p>}
      {words.trim() && found.data && items.length === 0 && <p className="muted">{t('sessions.hub.nothing')}</p>}
      {items.length > 0 && (
        <ul className="sessions__found" aria-label={t('sessions.hub.results')}>
          {items.map((hit) => (
            <li key={hit.resource.id}>
              <button
                type="button"
                className="button button--small button--secondary"
                onClick={() => {
                  onChoose(chosenOf(hit));
                  setWords('');
                }}
              >
                {t('sessions.hub.choose', { title: hit.resource.title })}
              </button>{' '}
              <span className="muted">
                {t(`sessions.resource.kinds.${hit.resource.kind}`)}
                {hit.resource.description && ` · ${hit.resource.description}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
