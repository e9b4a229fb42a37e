/** Filters, tabs and the page cursor kept in the URL, so a view can be shared. */
import { useSearchParams } from 'react-router';

export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  /** Sets or clears parameters; any change other than the cursor goes back to the first page. */
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes))
      if (value) next.set(key, value);
      else next.delete(key);
    if (!('cursor' in changes)) next.delete('cursor');
    setParams(next);
  };
  return [params, set] as const;
}
