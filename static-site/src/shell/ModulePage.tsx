// The route each module will fill (Planner, Hub, Sessions): until it is built, it says so plainly, in the shell.
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../useDocumentTitle';

export type ModuleId = 'planner' | 'hub' | 'sessions';

function ModulePage({ module, query }: { module: ModuleId; query?: string }) {
  const { t } = useTranslation();
  const name = t(`module.${module}.name`);
  useDocumentTitle(name);
  return (
    <article className="page">
      <h1 tabIndex={-1}>{name}</h1>
      <p className="lede">{t(`module.${module}.summary`)}</p>
      <p className="notice" role="status">
        {t('module.reserved', { name })}
      </p>
      {query && <p className="muted">{t('shell.searchUnavailable')}</p>}
    </article>
  );
}

const hub = getRouteApi('/signed-in/hub');

export function PlannerRoute() {
  return <ModulePage module="planner" />;
}

export function HubRoute() {
  const { q } = hub.useSearch();
  return <ModulePage module="hub" query={q} />;
}

export function SessionsRoute() {
  return <ModulePage module="sessions" />;
}
