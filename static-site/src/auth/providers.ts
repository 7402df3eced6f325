// SSO providers for the sign-in buttons. Read defensively: the endpoint is newer than some servers (404 = no SSO).
import { api } from '../api/client';
import type { components } from '../api/schema';
import { i18next } from '../i18n';

export type SsoProvider = components['schemas']['ProviderView'];

function isProvider(value: unknown): value is SsoProvider {
  if (typeof value !== 'object' || value === null) return false;
  const { id, name } = value as Record<string, unknown>;
  return typeof id === 'string' && id !== '' && typeof name === 'string' && name !== '';
}

/** The configured providers; an empty list when there are none, the server does not know SSO, or it cannot be asked. */
export async function fetchProviders(signal?: AbortSignal): Promise<SsoProvider[]> {
  try {
    const { data, response } = await api.GET('/api/auth/providers', { signal });
    // 404 (a server without SSO), 503 (SSO misconfigured) or anything else: password sign-in still works.
    if (!response.ok) return [];
    const body: unknown = data;
    return Array.isArray(body) ? body.filter(isProvider) : [];
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return [];
  }
}

/** The link that starts SSO and comes back to `returnTo` signed in. */
export function ssoStartUrl(providerId: string, returnTo: string): string {
  return `/api/auth/sso/${encodeURIComponent(providerId)}/start?return_to=${encodeURIComponent(returnTo)}`;
}

/** The server's `?error=` codes after an SSO attempt that have their own words (`sso.*` in src/i18n). */
const SSO_ERRORS: readonly string[] = [
  'sso_cancelled',
  'sso_failed',
  'sso_no_account',
  'sso_unverified_email',
  'sso_expired',
  'sso_link_from_profile',
  'sso_linked_elsewhere',
];

/** What an SSO error code means, for people; any other `sso_` code reads as a failure, anything else as nothing. */
export function ssoErrorMessage(code: string | null): string | null {
  if (!code) return null;
  if (SSO_ERRORS.includes(code)) return i18next.t(`sso.${code}`);
  return code.startsWith('sso_') ? i18next.t('sso.sso_failed') : null;
}

/** Starts linking a provider to the signed-in account: the server answers where to send the browser. */
export async function startLink(providerId: string): Promise<{ url: string } | { error: string }> {
  const { data, error, response } = await api.POST('/api/auth/sso/{provider}/link', {
    params: { path: { provider: providerId } },
    body: { return_to: '/profile' },
  });
  if (data) return { url: data.url };
  const detail = (error as { detail?: string } | undefined)?.detail;
  if (response.status === 401) return { error: i18next.t('profile.providers.signInAgain') };
  return { error: detail ?? i18next.t('profile.providers.failed', { status: response.status }) };
}
