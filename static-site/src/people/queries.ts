// The people page's server state in the query cache: what is cached under which key, so writes can update and
// invalidate exactly what they change.
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { data } from '../api/query';
import type { components } from '../api/schema';

export type MemberList = components['schemas']['MemberList'];

export const peopleKeys = {
  all: (orgId: string) => ['people', orgId] as const,
  members: (orgId: string) => ['people', orgId, 'members'] as const,
};

export function useMembers(orgId: string) {
  return useQuery({
    queryKey: peopleKeys.members(orgId),
    queryFn: ({ signal }) => data<MemberList>(api.GET('/api/people/{org}/members', { params: { path: { org: orgId } }, signal })),
  });
}
