// Whether first-run setup is still open (then the sign-in page points at /setup).
import { useEffect, useState } from 'react';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import type { components } from '../api/schema';

export type SetupStatus = components['schemas']['SetupStatus'];

export function useSetupStatus(): CallResult<SetupStatus> | null {
  const [result, setResult] = useState<CallResult<SetupStatus> | null>(null);
  useEffect(() => {
    let live = true;
    void call(api.GET('/api/auth/setup')).then((next) => {
      if (live) setResult(next);
    });
    return () => {
      live = false;
    };
  }, []);
  return result;
}
