// The home page: a welcome for visitors; for a signed-in person, the sections their roles use. Modules add their
// sections to HOME_SECTIONS (each names the roles it is for), so every role's home grows with the app.
import type { ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { SIGNED_IN, type Role } from '../nav';
import { DashboardSection } from '../planner/Dashboard';
import { Link } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';

/** The modules, and whether each is open yet. */
const MODULES = [
  { id: 'planner', path: '/planner', ready: true },
  { id: 'hub', path: '/hub', ready: true },
  { id: 'sessions', path: '/sessions', ready: true },
] as const;

function ModuleCards({ linked }: { linked: boolean }) {
  const { t } = useTranslation();
  return (
    <ul className="cards">
      {MODULES.map((module) => (
        <li key={module.id} className="card">
          <h3>{linked ? <Link to={module.path}>{t(`module.${module.id}.name`)}</Link> : t(`module.${module.id}.name`)}</h3>
          <p>{t(`module.${module.id}.summary`)}</p>
          {!module.ready && <p className="card__tag">{t('module.notYet')}</p>}
        </li>
      ))}
    </ul>
  );
}

function ModulesSection() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="modules-heading">
      <h2 id="modules-heading">{t('home.modules')}</h2>
      <p>{t('home.modulesComing')}</p>
      <ModuleCards linked />
    </section>
  );
}

function OrganisationSection({ roles }: { roles: readonly Role[] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="organisation-heading">
      <h2 id="organisation-heading">{t('home.organisation')}</h2>
      <ul>
        <li>
          <Link to="/people">{t('home.peopleLink')}</Link>
        </li>
        {roles.includes('admin') && (
          <li>
            <Link to="/audit">{t('home.auditLink')}</Link>
          </li>
        )}
      </ul>
    </section>
  );
}

/** A part of the signed-in home, shown to the roles it names, in this order. */
export interface HomeSection {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly render: (roles: readonly Role[]) => ReactNode;
}

export const HOME_SECTIONS: readonly HomeSection[] = [
  // The planner's dashboard first: one's day, and the people one walks with.
  { id: 'dashboard', roles: SIGNED_IN, render: () => <DashboardSection /> },
  { id: 'modules', roles: ['admin', 'pastor', 'mentor', 'mentee'], render: () => <ModulesSection /> },
  { id: 'organisation', roles: ['admin', 'pastor'], render: (roles) => <OrganisationSection roles={roles} /> },
];

/** The home route: the signed-in home for a person, the welcome for a visitor. */
export function HomeRoute() {
  const { state, roles } = useSession();
  return <HomePage name={state.status === 'signed-in' ? state.session.person.display_name : null} roles={roles} />;
}

export function HomePage({ name = null, roles = ['anonymous'] }: { name?: string | null; roles?: readonly Role[] }) {
  const { t } = useTranslation();
  useDocumentTitle('Emmaus');
  const sections = name === null ? [] : HOME_SECTIONS.filter((section) => section.roles.some((role) => roles.includes(role)));
  return (
    <article className="page">
      <h1 tabIndex={-1}>{t('home.title')}</h1>
      <p className="lede">{t('home.lede')}</p>
      {name ? (
        <p data-testid="greeting">{t('home.greeting', { name })}</p>
      ) : (
        <p>
          <Trans i18nKey="home.signInFirst" components={{ linked: <Link to="/sign-in" /> }} />
        </p>
      )}

      {name === null && (
        <section aria-labelledby="coming-heading">
          <h2 id="coming-heading">{t('home.modules')}</h2>
          <p>{t('home.modulesComing')}</p>
          <ModuleCards linked={false} />
        </section>
      )}
      {sections.map((section) => (
        <div key={section.id}>{section.render(roles)}</div>
      ))}

      <section aria-labelledby="today-heading">
        <h2 id="today-heading">{t('home.today')}</h2>
        <p>
          <Trans i18nKey="home.statusLink" components={{ linked: <Link to="/status" /> }} />
        </p>
      </section>
    </article>
  );
}
