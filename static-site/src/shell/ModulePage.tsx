// The route a module will fill (Sessions): until it is built, it says so plainly, in the shell.
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../useDocumentTitle';

export type ModuleId = 'sessions';

function ModulePage({ module }: { module: ModuleId }) {
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
    </article>
  );
}

export function SessionsRoute() {
  return <ModulePage module="sessions" />;
}
