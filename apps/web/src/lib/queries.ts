import { useQuery } from '@tanstack/react-query';
import type { Me } from '@kindling/shared';
import { api, ApiError } from '../api';

export const meKey = ['me'] as const;

/** Workspace-scoped keys start with the workspace id so a switch never shows stale rows. */
export const wsKey = (workspaceId: string, ...rest: string[]) => ['ws', workspaceId, ...rest];

/** The signed-in session, or null when signed out (401 is an answer here, not an error). */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await api.get<Me>('/api/auth/me');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 5 * 60_000, retry: 1 });
}

/** For components inside the signed-in shell, where the guard has already loaded Me. */
export function useSession(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSession used outside the signed-in app shell');
  return data;
}
