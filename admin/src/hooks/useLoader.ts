import { useCallback, useEffect, useState } from 'react';

export type Loaded<T> = {
  data: T | null;
  error: unknown;
  loading: boolean;
  /** Loads again; resolves when done. */
  reload: () => void;
  /** Replaces the loaded data (after a save that answered the new value). */
  setData: (data: T) => void;
};

/**
 * Runs `load` when `key` changes (and on reload), keeping the last data while it reloads.
 * `load` null: nothing to load yet.
 */
export const useLoader = <T>(load: (() => Promise<T>) | null, key: string): Loaded<T> => {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(load !== null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!load) return;
    let live = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(failure);
        setLoading(false);
      }
    );
    return () => {
      live = false;
    };
    // `load` is rebuilt each render; `key` says when what it loads changed.
  }, [key, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, setData };
};
