// People in the current organisation: members and roles, invitations, groups and mentorships, as far as the role allows.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import { FailureNotice } from '../components/FailureNotice';
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

export function PeopleRoute() {
  const { state, currentOrg, roles } = useSession();
  if (state.status !== 'signed-in' || !currentOrg) return null;
  return <PeoplePage orgId={currentOrg.id} orgName={currentOrg.name} roles={roles} personId={state.session.person.id} />;
}

export function PeoplePage({ orgId, orgName, roles, personId }: { orgId: string; orgName: string; roles: readonly Role[]; personId: string }) {
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

  return (
    <article className="page page--wide" aria-busy={members.result === null}>
      <h1 tabIndex={-1}>{t('people.title')}</h1>
      <p className="lede">{t('people.lede', { org: orgName })}</p>

      <Loaded resource={members} what="members">
        {(data) => <MembersSection orgId={orgId} members={data.members} can={can} onChanged={members.reload} />}
      </Loaded>

      {members.result?.ok && groups.result?.ok && (
        <InviteForm key={groupList.map((g) => g.id).join()} orgId={orgId} groups={groupList} can={can} onInvited={invitations.reload} />
      )}

      {refused(invitations.result) ? null : (
        <Loaded resource={invitations} what="invitations">
          {(data) => <InvitationsSection orgId={orgId} invitations={data.invitations} groups={groupList} onChanged={invitations.reload} />}
        </Loaded>
      )}

      <Loaded resource={groups} what="groups">
        {(data) => <GroupsSection orgId={orgId} groups={data.groups} members={memberList} can={can} onChanged={groups.reload} />}
      </Loaded>

      <Loaded resource={mentorships} what="mentorships">
        {(data) => <MentorshipsSection orgId={orgId} mentorships={data.mentorships} members={memberList} can={can} onChanged={mentorships.reload} />}
      </Loaded>

      {can.admin && (
        <Loaded resource={org} what="org">
          {(data) => <OrgSettingsSection key={data.id} org={data} onSaved={org.reload} />}
        </Loaded>
      )}
    </article>
  );
}
