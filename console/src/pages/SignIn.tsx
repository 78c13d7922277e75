// Sign in: e-mail and password, then the authenticator's code when the account has
// TOTP on (`mfa_required`, then POST /auth/login/mfa with the challenge's token).
import { useState, type FormEvent } from "react";

import { api, setTokens, unwrap } from "../api";
import { ErrorMessage, Field, Page } from "../ui";

export function SignIn() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [challenge, setChallenge] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (challenge === null) {
        const answer = unwrap(await api.POST("/api/v1/auth/login", { body: { email, password } }));
        if ("mfa_required" in answer) {
          setChallenge(answer.mfa_token);
          return;
        }
        setTokens({ access_token: answer.access_token, refresh_token: answer.refresh_token });
      } else {
        const answer = unwrap(
          await api.POST("/api/v1/auth/login/mfa", { body: { mfa_token: challenge, code } }),
        );
        setTokens({ access_token: answer.access_token, refresh_token: answer.refresh_token });
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="narrow">
      <Page title={challenge === null ? "Sign in" : "Two-factor code"}>
        <form onSubmit={(e) => void submit(e)} className="card">
          {challenge === null ? (
            <>
              <Field
                label="E-mail"
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
              <Field
                label="Password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </>
          ) : (
            <Field
              label="Code from your authenticator app, or a recovery code"
              autoComplete="one-time-code"
              inputMode="text"
              required
              autoFocus
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          )}
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            {challenge === null ? "Sign in" : "Verify"}
          </button>
          {challenge !== null ? (
            <button type="button" className="secondary" onClick={() => setChallenge(null)}>
              Start again
            </button>
          ) : null}
        </form>
      </Page>
    </div>
  );
}
