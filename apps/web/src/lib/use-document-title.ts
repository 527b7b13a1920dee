import { useEffect } from 'react';

/** Sets the tab title to "<title> · Kindling" while the calling page is mounted. */
export function useDocumentTitle(title: string | null | undefined) {
  useEffect(() => {
    if (!title) return;
    const previous = document.title;
    document.title = `${title} · Kindling`;
    return () => {
      document.title = previous;
    };
  }, [title]);
}
