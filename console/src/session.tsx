// Who is signed in: the tokens (api.ts) and the account they belong to.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";

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
  const wasSignedIn = useRef(signedIn);
  useEffect(
    () =>
      onTokens(() => {
        const now = currentTokens() !== null;
        if (now === wasSignedIn.current) return; // the tokens refreshed: answers stay
        // Another person's data must not show: every answer is forgotten.
        wasSignedIn.current = now;
        queries.clear();
        setSignedIn(now);
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
    try {
      if (held !== null) {
        // The refresh token is revoked at the server; the tab forgets both anyway.
        await api.POST("/api/v1/auth/logout", { body: { refresh_token: held.refresh_token } });
      }
    } finally {
      setTokens(null);
    }
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
