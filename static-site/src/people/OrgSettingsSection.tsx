// The organisation's own settings, for its admins: its name, how long sessions last (for everyone,
// and shorter for admins, applied from each person's next sign-in), and whether admins need a
// second factor.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { submitError, type SubmitError } from '../forms';

type Org = components['schemas']['OrgView'];
type Policy = components['schemas']['SessionPolicyView'];

const FIELDS = ['name', 'admins_need_second_factor', 'sessions.idle_hours', 'sessions.max_days', 'sessions.admin_idle_hours', 'sessions.admin_max_days'];

export function OrgSettingsSection({ org, onSaved }: { org: Org; onSaved: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(org.name);
  const [policy, setPolicy] = useState<Record<keyof Policy, string>>({
    idle_hours: String(org.sessions.idle_hours),
    max_days: String(org.sessions.max_days),
    admin_idle_hours: String(org.sessions.admin_idle_hours),
    admin_max_days: String(org.sessions.admin_max_days),
  });
  const [needSecondFactor, setNeedSecondFactor] = useState(org.admins_need_second_factor);
  const [error, setError] = useState<SubmitError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof Policy) => (event: { target: { value: string } }) => setPolicy({ ...policy, [key]: event.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const sessions: Policy = {
      idle_hours: Number(policy.idle_hours),
      max_days: Number(policy.max_days),
      admin_idle_hours: Number(policy.admin_idle_hours),
      admin_max_days: Number(policy.admin_max_days),
    };
    const result = await call(api.PATCH('/api/people/{org}', { params: { path: { org: org.id } }, body: { name, sessions, admins_need_second_factor: needSecondFactor } }));
    setBusy(false);
    if (result.ok) {
      // The form shows what the server kept (a name it tidied, say) and stays mounted to say so.
      const kept = result.data;
      setName(kept.name);
      setPolicy({
        idle_hours: String(kept.sessions.idle_hours),
        max_days: String(kept.sessions.max_days),
        admin_idle_hours: String(kept.sessions.admin_idle_hours),
        admin_max_days: String(kept.sessions.admin_max_days),
      });
      setNeedSecondFactor(kept.admins_need_second_factor);
      setSaved(true);
      onSaved();
    } else setError(submitError(result, FIELDS));
  };
  const fieldError = (key: string) => error?.fields.byField[key];

  return (
    <section aria-labelledby="org-settings-heading">
      <h2 id="org-settings-heading">{t('people.org.heading')}</h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError error={error} />
        <Field label={t('people.org.name')} name="name" required value={name} onChange={(e) => setName(e.target.value)} error={fieldError('name')} />
        <fieldset>
          <legend>{t('people.org.sessions')}</legend>
          <p className="field__hint">{t('people.org.sessionsHint')}</p>
          <Field label={t('people.org.idleHours')} name="idle_hours" type="number" min={1} max={720} value={policy.idle_hours} onChange={set('idle_hours')} error={fieldError('sessions.idle_hours')} />
          <Field label={t('people.org.maxDays')} name="max_days" type="number" min={1} max={365} value={policy.max_days} onChange={set('max_days')} error={fieldError('sessions.max_days')} />
          <Field label={t('people.org.adminIdleHours')} name="admin_idle_hours" type="number" min={1} max={720} value={policy.admin_idle_hours} onChange={set('admin_idle_hours')} error={fieldError('sessions.admin_idle_hours')} />
          <Field label={t('people.org.adminMaxDays')} name="admin_max_days" type="number" min={1} max={365} value={policy.admin_max_days} onChange={set('admin_max_days')} error={fieldError('sessions.admin_max_days')} />
        </fieldset>
        <fieldset>
          <legend>{t('people.org.secondFactor')}</legend>
          <div className={`field field--check${fieldError('admins_need_second_factor') ? ' field--invalid' : ''}`}>
            <label>
              <input
                type="checkbox"
                name="admins_need_second_factor"
                checked={needSecondFactor}
                onChange={(e) => setNeedSecondFactor(e.target.checked)}
                aria-describedby="second-factor-hint"
              />{' '}
              {t('people.org.needSecondFactor')}
            </label>
            <p className="field__hint" id="second-factor-hint">
              {t('people.org.secondFactorHint')}
            </p>
            {fieldError('admins_need_second_factor') && <p className="field__error">{fieldError('admins_need_second_factor')}</p>}
          </div>
        </fieldset>
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('people.org.saving') : t('people.org.save')}
          </button>
          {saved && (
            <span role="status" className="badge badge--good">
              {t('people.org.saved')}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
