// The Agora API from TypeScript: openapi-fetch's client typed by the generated
// `schema.d.ts` (`uv run agora-ops generate` rewrites it from docs/api/openapi.json;
// this file is written by hand). Every path, parameter, body and answer is checked
// by the compiler against the contract.
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };
export type Schemas = components["schemas"];
export type AgoraClient = Client<paths>;

export interface AgoraOptions {
  /** The gateway, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** A JWT access token or an API key (`agora_...`), sent as a bearer token. */
  token?: string;
}

/** A client of the gateway; `setToken` switches the credential of later calls. */
export function createAgoraClient(options: AgoraOptions): AgoraClient & {
  setToken(token: string | undefined): void;
} {
  let token = options.token;
  const client = createClient<paths>({ baseUrl: options.baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      if (token !== undefined) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);
  return Object.assign(client, {
    setToken(next: string | undefined): void {
      token = next;
    },
  });
}
