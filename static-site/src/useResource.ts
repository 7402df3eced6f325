// Loads one API resource for a page, with a reload that keeps showing the last answer until the next one arrives.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallResult } from './api/call';

export interface Resource<T> {
  /** Null until the first answer. */
  readonly result: CallResult<T> | null;
  readonly reloading: boolean;
  readonly reload: () => void;
}

/** `key` names what is loaded (e.g. the organisation id): a new key starts over from "loading". */
export function useResource<T>(key: string, load: () => Promise<CallResult<T>>): Resource<T> {
  const [result, setResult] = useState<CallResult<T> | null>(null);
  const [reloading, setReloading] = useState(false);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef(key);

  useEffect(() => {
    let live = true;
    if (lastKey.current !== key) {
      lastKey.current = key;
      setResult(null);
    }
    setReloading(true);
    void loadRef.current().then((next) => {
      if (!live) return;
      setResult(next);
      setReloading(false);
    });
    return () => {
      live = false;
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { result, reloading, reload };
}
