// Following a session without being its audience (ADR 0030): the private links its facilitators make, list and revoke,
// the block a facilitator presents (sent as they move on, for those following by a link), the session as a link shows
// it (polled, so followers' pages move with the facilitator), and the channel present mode speaks on to a participants'
// screen opened beside it in the same browser.
import { useQuery } from '@tanstack/react-query';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import { data } from '../api/query';
import type { components } from '../api/schema';
import type { Block } from './queries';

export type SessionLink = components['schemas']['LinkView'];
export type MadeLink = components['schemas']['MadeLinkView'];
export type NewLink = components['schemas']['NewLinkBody'];
export type Followed = components['schemas']['FollowedSession'];

/** What the server takes (shared/sessions/src/links.rs), checked before sending. */
export const LINK_LIMITS = { label: 100, days: 90, links: 10 } as const;
/** The lifetimes offered, in days. */
export const LINK_DAYS = [1, 7, 14, 30, 90] as const;
/** How often a follower's page asks where the session is. */
export const FOLLOW_EVERY_MS = 3000;

export const linkKeys = {
  list: (org: string, id: string) => ['sessions', org, 'session', id, 'links'] as const,
  followed: (token: string) => ['session-link', token] as const,
};

export function useSessionLinks(org: string, id: string) {
  return useQuery({
    queryKey: linkKeys.list(org, id),
    queryFn: ({ signal }) => data(api.GET('/api/sessions/{org}/sessions/{session}/links', { params: { path: { org, session: id } }, signal })),
  });
}

export function createLink(org: string, id: string, body: NewLink): Promise<CallResult<MadeLink>> {
  return call(api.POST('/api/sessions/{org}/sessions/{session}/links', { params: { path: { org, session: id } }, body }));
}

export function revokeLink(org: string, id: string, link: string): Promise<CallResult<unknown>> {
  return call(api.DELETE('/api/sessions/{org}/sessions/{session}/links/{link}', { params: { path: { org, session: id, link } } }));
}

/** Tells followers which block is shown now (null: presenting has ended). */
export function presentBlock(org: string, id: string, blockId: string | null): Promise<CallResult<unknown>> {
  return call(api.PUT('/api/sessions/{org}/sessions/{session}/presenting', { params: { path: { org, session: id } }, body: { block_id: blockId } }));
}

/** The session a link shows, read again every few seconds while the page is open. */
export function useFollowed(token: string) {
  return useQuery({
    enabled: token.length > 0,
    queryKey: linkKeys.followed(token),
    queryFn: ({ signal }) => data(api.GET('/api/session-links/{token}', { params: { path: { token } }, signal })),
    refetchInterval: (query) => (query.state.error ? false : FOLLOW_EVERY_MS),
    retry: false,
  });
}

/** What present mode tells a participants' screen beside it: the blocks, and the one shown now. */
export interface ScreenMessage {
  readonly title: string;
  readonly blocks: readonly Block[];
  readonly current: string | null;
}

/** The channel between present mode and the participants' screen of one session (same browser, no server). */
export function screenChannel(sessionId: string): BroadcastChannel | null {
  return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`emmaus-present-${sessionId}`);
}
