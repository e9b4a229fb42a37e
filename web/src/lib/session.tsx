/** Who is signed in: the token (kept for the browser tab's session) and the user and department it belongs to. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, currentToken, setToken, unwrap, whenUnauthorized, type Schemas } from './api';

interface Session {
  me: Schemas['Me'] | undefined;
  loading: boolean;
  signIn: (token: string) => void;
  signOut: () => void;
  has: (role: Schemas['Role']) => boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setCurrent] = useState(currentToken());
  const queryClient = useQueryClient();
  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => unwrap(api.GET('/api/v1/me')),
    enabled: token !== null,
    retry: false,
  });
  const value = useMemo<Session>(
    () => ({
      me: token ? me.data : undefined,
      loading: token !== null && me.isLoading,
      signIn: (next) => {
        setToken(next);
        queryClient.clear();
        setCurrent(next);
      },
      signOut: () => {
        setToken(null);
        queryClient.clear();
        setCurrent(null);
      },
      has: (role) => Boolean(token && me.data?.user.roles.includes(role)),
    }),
    [token, me.data, me.isLoading, queryClient],
  );
  useEffect(() => whenUnauthorized(() => value.signOut()), [value]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
