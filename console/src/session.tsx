// Who is signed in: the tokens (api.ts) and the account they belong to.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";

import { api, currentTokens, onTokens, setTokens, unwrap, type Schemas } from "./api";

interface Session {
  user: Schemas["UserOut"] | null;
  loading: boolean;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session>({
  user: null,
  loading: false,
  signOut: async () => undefined,
});

export function SessionProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [signedIn, setSignedIn] = useState(currentTokens() !== null);
  useEffect(
    () =>
      onTokens(() => {
        setSignedIn(currentTokens() !== null);
        queries.clear();
      }),
    [queries],
  );
  const me = useQuery({
    queryKey: ["me", signedIn],
    queryFn: async () => unwrap(await api.GET("/api/v1/users/me")),
    enabled: signedIn,
  });
  const signOut = async () => {
    const held = currentTokens();
    if (held !== null) {
      // The refresh token is revoked at the server; the tab forgets both.
      await api.POST("/api/v1/auth/logout", { body: { refresh_token: held.refresh_token } });
    }
    setTokens(null);
  };
  const value: Session = {
    user: signedIn ? (me.data ?? null) : null,
    loading: signedIn && me.isPending,
    signOut,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}
