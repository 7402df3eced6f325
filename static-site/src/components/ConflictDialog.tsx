// The one place a stale write is shown: someone changed the thing since it was read. The person chooses to read their
// version (keeping what they typed on the page) or to write theirs over it. The dialog's code loads only when a
// conflict happens (kit/ConflictModal.tsx).
import { lazy, Suspense } from 'react';
import { useConflict } from '../api/QueryProvider';

const ConflictModal = lazy(() => import('../kit/ConflictModal').then((module) => ({ default: module.ConflictModal })));

export function ConflictDialog() {
  const { conflict, dismiss } = useConflict();
  if (!conflict) return null;
  return (
    <Suspense fallback={null}>
      <ConflictModal conflict={conflict} dismiss={dismiss} />
    </Suspense>
  );
}
