// Who may see a resource: the organisation, one of its groups, or only its author. A mentee keeps private notes only
// (the permission matrix's `hub.create`), so they are offered nothing else.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { data } from '../api/query';
import { SelectField } from '../kit/SelectField';
import type { Visibility } from './queries';

export function visibilityKey(visibility: Visibility): string {
  return visibility.scope === 'group' ? `group:${visibility.group_id}` : visibility.scope;
}

export function visibilityOf(key: string): Visibility {
  if (key.startsWith('group:')) return { scope: 'group', group_id: key.slice('group:'.length) };
  return key === 'private' ? { scope: 'private' } : { scope: 'organisation' };
}

export function VisibilityField({
  orgId,
  value,
  onChange,
  privateOnly,
  error,
}: {
  orgId: string;
  value: string;
  onChange: (key: string) => void;
  privateOnly: boolean;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const groups = useQuery({
    queryKey: ['people', orgId, 'groups'],
    queryFn: ({ signal }) => data(api.GET('/api/people/{org}/groups', { params: { path: { org: orgId } }, signal })),
    enabled: !privateOnly,
  });
  const options = privateOnly
    ? [{ id: 'private', label: t('hub.visibility.private') }]
    : [
        { id: 'organisation', label: t('hub.visibility.organisation') },
        ...(groups.data?.groups ?? []).map((g) => ({ id: `group:${g.id}`, label: t('hub.visibility.group', { name: g.name }) })),
        { id: 'private', label: t('hub.visibility.private') },
      ];
  return (
    <SelectField
      label={t('hub.visibility.label')}
      name="visibility"
      options={options}
      value={value}
      onChange={onChange}
      error={error}
      hint={privateOnly ? t('hub.visibility.menteeHint') : undefined}
    />
  );
}
