// Provides the app's query client and its open write conflict to every page.
import { QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useState, useSyncExternalStore, type ReactNode } from 'react';
import { createQueryClient, type Conflict, type Conflicts } from './query';

const ConflictsContext = createContext<Conflicts | null>(null);

export function QueryProvider({ children }: { children: ReactNode }) {
  const [{ client, conflicts }] = useState(() => createQueryClient());
  return (
    <QueryClientProvider client={client}>
      <ConflictsContext.Provider value={conflicts}>{children}</ConflictsContext.Provider>
    </QueryClientProvider>
  );
}

/** The write refused as stale that waits for the person's choice, if any; and a way to set it aside. */
export function useConflict(): { conflict: Conflict | null; dismiss: () => void } {
  const conflicts = useContext(ConflictsContext);
  if (!conflicts) throw new Error('useConflict must be used inside <QueryProvider>');
  const conflict = useSyncExternalStore(conflicts.subscribe, conflicts.snapshot, conflicts.snapshot);
  return { conflict, dismiss: () => conflicts.close() };
}
