// Whether this server holds email in a dev outbox (it answers 200), which decides the "Dev outbox" link.
import { useEffect, useState } from 'react';
import { call } from './api/call';
import { api } from './api/client';

export function useOutboxAvailable(): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let live = true;
    void call(api.GET('/api/auth/outbox', { params: { query: { limit: 1 } } })).then((result) => {
      if (live) setAvailable(result.ok);
    });
    return () => {
      live = false;
    };
  }, []);
  return available;
}
