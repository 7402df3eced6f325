// Whom a session is for, as a leader chooses it: nobody in particular, one of the people they may prepare a session for
// (anyone, for an admin; those they walk with, for a pastor or a mentor), or a group (any, for an admin; those they
// lead, for a pastor). Used when a session is made and when its audience is changed in the composer.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { PersonPicker } from '../kit/PersonPicker';
import { SelectField } from '../kit/SelectField';
import type { Role } from '../nav';
import { useAudiencePeople, useGroups, type Audience, type AudienceKind } from './queries';

export interface AudienceChoice {
  readonly kind: AudienceKind;
  readonly person: string;
  readonly group: string;
}

export const OPEN: AudienceChoice = { kind: 'open', person: '', group: '' };

export function choiceOf(audience: Audience): AudienceChoice {
  return { kind: audience.kind, person: audience.person_id ?? '', group: audience.group_id ?? '' };
}

export function audienceOf(choice: AudienceChoice): Audience {
  if (choice.kind === 'person') return { kind: 'person', person_id: choice.person };
  if (choice.kind === 'group') return { kind: 'group', group_id: choice.group };
  return { kind: 'open' };
}

/** What is missing from a choice, by the field that shows it. */
export function audienceProblems(choice: AudienceChoice, t: (key: string) => string): Record<string, string> {
  if (choice.kind === 'person' && !choice.person) return { 'audience.person_id': t('sessions.errors.person') };
  if (choice.kind === 'group' && !choice.group) return { 'audience.group_id': t('sessions.errors.group') };
  return {};
}

export function AudienceFields({
  orgId,
  me,
  roles,
  value,
  onChange,
  errors,
}: {
  orgId: string;
  me: string;
  roles: readonly Role[];
  value: AudienceChoice;
  onChange: (choice: AudienceChoice) => void;
  errors: Readonly<Record<string, string | undefined>>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const admin = roles.includes('admin');
  const people = useAudiencePeople(orgId, admin, true);
  const groups = useGroups(orgId);
  const ownGroups = (groups.data?.groups ?? []).filter((group) => admin || (roles.includes('pastor') && group.leader_id === me));
  const personList = (people.data ?? []).filter((person) => person.person_id !== me);
  const audienceError = errors.audience;
  const set = (change: Partial<AudienceChoice>) => onChange({ ...value, ...change });
  return (
    <>
      <fieldset className={`field${audienceError ? ' field--invalid' : ''}`} aria-describedby={audienceError ? `${id}-audience-error` : undefined}>
        <legend>{t('sessions.fields.audience')}</legend>
        <label>
          <input type="radio" name={`${id}-audience`} checked={value.kind === 'open'} onChange={() => set({ kind: 'open' })} /> {t('sessions.audience.openChoice')}
        </label>
        {(personList.length > 0 || value.kind === 'person') && (
          <label>
            <input type="radio" name={`${id}-audience`} checked={value.kind === 'person'} onChange={() => set({ kind: 'person' })} /> {t('sessions.audience.personChoice')}
          </label>
        )}
        {(ownGroups.length > 0 || value.kind === 'group') && (
          <label>
            <input type="radio" name={`${id}-audience`} checked={value.kind === 'group'} onChange={() => set({ kind: 'group' })} /> {t('sessions.audience.groupChoice')}
          </label>
        )}
        {personList.length === 0 && ownGroups.length === 0 && people.data && groups.data && <p className="field__hint">{t('sessions.audience.onlyOpen')}</p>}
        {audienceError && (
          <p className="field__error" id={`${id}-audience-error`}>
            {audienceError}
          </p>
        )}
      </fieldset>
      {value.kind === 'person' && (
        <PersonPicker
          label={t('sessions.fields.person')}
          name="person"
          people={personList}
          value={value.person}
          onChange={(person) => set({ person })}
          placeholder={t('sessions.fields.personPlaceholder')}
          error={errors['audience.person_id']}
        />
      )}
      {value.kind === 'group' && (
        <SelectField
          label={t('sessions.fields.group')}
          name="group"
          options={[{ id: '', label: t('sessions.fields.chooseGroup') }, ...ownGroups.map((g) => ({ id: g.id, label: g.name }))]}
          value={value.group}
          onChange={(group) => set({ group })}
          error={errors['audience.group_id']}
        />
      )}
    </>
  );
}
