// Keeps the browser tab title in step with the visible page.
import { useEffect } from 'react';

export function useDocumentTitle(pageTitle: string): void {
  useEffect(() => {
    document.title = pageTitle === 'Emmaus' ? 'Emmaus' : `${pageTitle} · Emmaus`;
  }, [pageTitle]);
}
