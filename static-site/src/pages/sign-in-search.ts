// The sign-in page's URL search parameters, typed. `return_to` is checked again where it is used (safeReturnTo);
// `error` is an SSO failure's code and `step=second-factor` a provider's sign-in that still needs a code.
export interface SignInSearch {
  readonly return_to?: string;
  readonly error?: string;
  readonly step?: 'second-factor';
}

export function signInSearch(search: Record<string, unknown>): SignInSearch {
  return {
    ...(typeof search.return_to === 'string' ? { return_to: search.return_to } : {}),
    ...(typeof search.error === 'string' ? { error: search.error } : {}),
    ...(search.step === 'second-factor' ? { step: 'second-factor' as const } : {}),
  };
}
