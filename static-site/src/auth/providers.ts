// SSO providers for the sign-in buttons. Read defensively: the endpoint is newer than some servers (404 = no SSO).
import { api } from '../api/client';
import type { components } from '../api/schema';

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

/** What the server's `?error=` codes after an SSO attempt mean, for people. */
export const SSO_ERRORS: Readonly<Record<string, string>> = {
  sso_cancelled: 'Signing in with your provider was cancelled. You can try again, or sign in with your email and password.',
  sso_failed: 'Signing in with your provider did not work. Try again in a moment, or sign in with your email and password.',
  sso_no_account:
    'There is no Emmaus account for that identity. Ask an administrator of your organisation for an invitation.',
  sso_unverified_email:
    'Your provider has not verified your email address, so it cannot be used to sign in. Verify it with the provider, or sign in with your password.',
  sso_expired: 'The sign-in took too long and expired. Please try again.',
  sso_link_from_profile:
    'This provider may not sign in to the Emmaus account that uses your address by itself. Sign in with your email and password, then link the provider on your profile page.',
  sso_linked_elsewhere: 'That provider account is already linked to another Emmaus account.',
};

export function ssoErrorMessage(code: string | null): string | null {
  if (!code) return null;
  return SSO_ERRORS[code] ?? (code.startsWith('sso_') ? SSO_ERRORS.sso_failed! : null);
}

/** Starts linking a provider to the signed-in account: the server answers where to send the browser. */
export async function startLink(providerId: string): Promise<{ url: string } | { error: string }> {
  const { data, error, response } = await api.POST('/api/auth/sso/{provider}/link', {
    params: { path: { provider: providerId } },
    body: { return_to: '/profile' },
  });
  if (data) return { url: data.url };
  const detail = (error as { detail?: string } | undefined)?.detail;
  if (response.status === 401) return { error: 'Sign in again, then link the provider within ten minutes of signing in.' };
  return { error: detail ?? `Linking failed (${response.status}).` };
}
