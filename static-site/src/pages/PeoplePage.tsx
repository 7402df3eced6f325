// People in the current organisation: members and roles, invitations, groups and mentorships, as far as the role allows,
// each on a tab of its own that the URL names (`?tab=`).
import { getRouteApi } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import { FailureNotice } from '../components/FailureNotice';
import { PageTabs, type PageTab } from '../kit/Tabs';
import { Loading, NotAllowedPage } from '../components/States';
import type { Role } from '../nav';
import { useSession } from '../session';
import { GroupsSection } from '../people/GroupsSection';
import { InvitationsSection, InviteForm } from '../people/InvitationsSection';
import { MembersSection } from '../people/MembersSection';
import { MentorshipsSection } from '../people/MentorshipsSection';
import { OrgSettingsSection } from '../people/OrgSettingsSection';
import { useMembers } from '../people/queries';
import type { Abilities } from '../people/types';
import { useDocumentTitle } from '../useDocumentTitle';
import type { PeopleTab } from './people-search';
import { asResource, useResource, type Resource } from '../useResource';

const SECOND_FACTOR_REQUIRED = 'urn:emmaus:problem:second-factor-required';

/** What a section loads, naming its loading and failure messages (`people.load.<what>`). */
type What = 'members' | 'invitations' | 'groups' | 'mentorships' | 'org';

/** Renders a section once its resource is loaded; its loading and error states stay inside the section. */
function Loaded<T>({ resource, what, children }: { resource: Resource<T>; what: What; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  const { result } = resource;
  if (result === null) return <Loading label={t(`people.load.${what}.loading`)} />;
  if (!result.ok) {
    return (
      <>
        <FailureNotice heading={t(`people.load.${what}.failed`)} failure={result.failure} />
        <button type="button" className="button button--small" onClick={resource.reload}>
          {t('people.tryAgain')}
        </button>
      </>
    );
  }
  return <>{children(result.data)}</>;
}

/** Not this person's to see; a missing second factor is not that, and its problem says what to do instead. */
function refused(result: CallResult<unknown> | null): boolean {
  if (result === null || result.ok || (result.status !== 403 && result.status !== 404)) return false;
  return !(result.failure.kind === 'problem' && result.failure.problem.type === SECOND_FACTOR_REQUIRED);
}

const route = getRouteApi('/signed-in/people');

export function PeopleRoute() {
  const { state, currentOrg, roles } = useSession();
  const { tab } = route.useSearch();
  const navigate = route.useNavigate();
  if (state.status !== 'signed-in' || !currentOrg) return null;
  return (
    <PeoplePage
      orgId={currentOrg.id}
      orgName={currentOrg.name}
      roles={roles}
      personId={state.session.person.id}
      tab={tab ?? 'members'}
      // The members tab is the page's own address, so it stays out of the URL.
      onTab={(next) => void navigate({ search: next === 'members' ? {} : { tab: next } })}
    />
  );
}

export function PeoplePage({
  orgId,
  orgName,
  roles,
  personId,
  tab,
  onTab,
}: {
  orgId: string;
  orgName: string;
  roles: readonly Role[];
  personId: string;
  tab: PeopleTab;
  onTab: (tab: PeopleTab) => void;
}) {
  const { t } = useTranslation();
  useDocumentTitle(t('people.title'));
  const can: Abilities = { personId, admin: roles.includes('admin'), pastor: roles.includes('pastor') };
  const path = { params: { path: { org: orgId } } };
  const members = asResource(useMembers(orgId));
  const groups = useResource(['people', orgId, 'groups'], () => call(api.GET('/api/people/{org}/groups', path)));
  const invitations = useResource(['people', orgId, 'invitations'], () => call(api.GET('/api/people/{org}/invitations', path)));
  const mentorships = useResource(['people', orgId, 'mentorships'], () => call(api.GET('/api/people/{org}/mentorships', path)));
  const org = useResource(['people', orgId, 'org'], () => call(api.GET('/api/people/{org}', path)));

  // The member list is the page's core: if the server will not show it, the page is not this person's to use.
  if (refused(members.result)) return <NotAllowedPage page={t('people.title')} orgName={orgName} />;

  const memberList = members.result?.ok ? members.result.data.members : [];
  const groupList = groups.result?.ok ? groups.result.data.groups : [];

  const pending = invitations.result?.ok ? invitations.result.data.invitations.filter((i) => i.state === 'pending').length : undefined;
  const tabs: PageTab<PeopleTab>[] = [
    {
      id: 'members',
      label: t('people.tabs.members'),
      count: members.result?.ok ? members.result.data.members.length : undefined,
      content: () => (
        <Loaded resource={members} what="members">
          {(data) => <MembersSection orgId={orgId} members={data.members} can={can} onChanged={members.reload} />}
        </Loaded>
      ),
    },
    {
      id: 'invitations',
      label: t('people.tabs.invitations'),
      count: pending,
      content: () => (
        <>
          {members.result?.ok && groups.result?.ok && (
            <InviteForm key={groupList.map((g) => g.id).join()} orgId={orgId} groups={groupList} can={can} onInvited={invitations.reload} />
          )}
          {refused(invitations.result) ? null : (
            <Loaded resource={invitations} what="invitations">
              {(data) => <InvitationsSection orgId={orgId} invitations={data.invitations} groups={groupList} onChanged={invitations.reload} />}
            </Loaded>
          )}
        </>
      ),
    },
    {
      id: 'groups',
      label: t('people.tabs.groups'),
      content: () => (
        <Loaded resource={groups} what="groups">
          {(data) => <GroupsSection orgId={orgId} groups={data.groups} members={memberList} can={can} onChanged={groups.reload} />}
        </Loaded>
      ),
    },
    {
      id: 'mentorships',
      label: t('people.tabs.mentorships'),
      content: () => (
        <Loaded resource={mentorships} what="mentorships">
          {(data) => <MentorshipsSection orgId={orgId} mentorships={data.mentorships} members={memberList} can={can} onChanged={mentorships.reload} />}
        </Loaded>
      ),
    },
  ];
  if (can.admin) {
    tabs.push({
      id: 'organisation',
      label: t('people.tabs.organisation'),
      content: () => (
        <Loaded resource={org} what="org">
          {(data) => <OrgSettingsSection key={data.id} org={data} onSaved={org.reload} />}
        </Loaded>
      ),
    });
  }
  // A tab this person has not got (the organisation's settings for a pastor) shows the members instead.
  const shown = tabs.some((candidate) => candidate.id === tab) ? tab : 'members';

  return (
    <article className="page page--wide" aria-busy={members.result === null}>
      <h1 tabIndex={-1}>{t('people.title')}</h1>
      <p className="lede">{t('people.lede', { org: orgName })}</p>
      <PageTabs label={t('people.tabs.label')} tabs={tabs} selected={shown} onSelect={onTab} />
    </article>
  );
}
