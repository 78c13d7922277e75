// The public API of Agora through the gateway, at this page's own origin: the same
// contract third parties use, typed by the generated schema (clients/typescript).
// Tokens live in this tab's sessionStorage only: closing the tab signs out.
import createClient from "openapi-fetch";

import type { components, paths } from "../../clients/typescript/src/schema";

export type Schemas = components["schemas"];

const STORAGE_KEY = "agora.console.tokens";

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

let tokens: Tokens | null = readTokens();
const listeners = new Set<() => void>();

function readTokens(): Tokens | null {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as Tokens;
  } catch {
    return null;
  }
}

export function currentTokens(): Tokens | null {
  return tokens;
}

export function setTokens(next: Tokens | null): void {
  tokens = next;
  if (next === null) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  listeners.forEach((listener) => listener());
}

export function onTokens(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  return tokens === null ? {} : { Authorization: `Bearer ${tokens.access_token}` };
}

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time with the refresh token; false (and signed out) when refused. */
async function refresh(): Promise<boolean> {
  const held = tokens;
  if (held === null) return false;
  refreshing ??= (async () => {
    const answer = await fetch("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: held.refresh_token }),
    });
    if (!answer.ok) {
      setTokens(null);
      return false;
    }
    const fresh = (await answer.json()) as Tokens;
    setTokens({ access_token: fresh.access_token, refresh_token: fresh.refresh_token });
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** fetch with the bearer token; a 401 refreshes the tokens once and tries again. */
export async function authorizedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const first = await fetch(withToken(request));
  if (first.status !== 401 || tokens === null) return first;
  if (!(await refresh())) return first;
  return fetch(withToken(retry));
}

function withToken(request: Request): Request {
  if (tokens !== null) request.headers.set("Authorization", `Bearer ${tokens.access_token}`);
  return request;
}

export const api = createClient<paths>({ baseUrl: "", fetch: authorizedFetch });

/** The problem+json an error answer carries, as one readable sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Problem {
  title?: string;
  detail?: unknown;
  errors?: { loc?: unknown[]; msg?: string }[];
}

export function problemMessage(status: number, error: unknown): string {
  const problem = (error ?? {}) as Problem;
  const fields = (problem.errors ?? [])
    .map((e) => `${(e.loc ?? []).slice(1).join(".")}: ${e.msg ?? ""}`)
    .join("; ");
  const detail = typeof problem.detail === "string" ? problem.detail : "";
  return [problem.title ?? `Error ${status}`, detail, fields].filter(Boolean).join(" — ");
}

/** The data of an openapi-fetch answer, or an ApiError with its problem's message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    throw new ApiError(result.response.status, problemMessage(result.response.status, result.error));
  }
  return result.data;
}

export function money(value: { amount: number; currency: string } | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat("en", { style: "currency", currency: value.currency }).format(
    value.amount / 100,
  );
}

/** "24.50" as minor units (2450). */
export function minor(text: string): number {
  return Math.round(Number(text) * 100);
}

/** Minor units (2450) as "24.50": a form field's value, or an amount without its currency. */
export function major(minorUnits: number): string {
  return (minorUnits / 100).toFixed(2);
}

export function when(value: string | null | undefined): string {
  if (!value) return "—";
  return new Date(value).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function newKey(): string {
  return crypto.randomUUID();
}
