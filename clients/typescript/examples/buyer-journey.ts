// A buyer's journey with the TypeScript client: register, sign in, search, fill the
// cart, check out paying by card, wait for the order to be confirmed.
//
//   npm run build && node dist/examples/buyer-journey.js http://127.0.0.1:8000 "Journey product"
//
// Prints the confirmed order as one JSON line; exits 1 with the reason otherwise.
import { randomBytes } from "node:crypto";

import { createAgoraClient } from "../src/index.js";

const PASSWORD = "a long and quiet parade 42";

function fail(step: string, error: unknown): never {
  throw new Error(`${step}: ${JSON.stringify(error)}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function journey(gateway: string, search: string) {
  const agora = createAgoraClient({ baseUrl: gateway });
  const email = `typescript-client-${randomBytes(6).toString("hex")}@example.com`;

  const registered = await agora.POST("/api/v1/auth/register", {
    body: { email, password: PASSWORD, full_name: "TypeScript Client" },
  });
  if (!registered.data) fail("register", registered.error);

  const login = await agora.POST("/api/v1/auth/login", { body: { email, password: PASSWORD } });
  if (!login.data || !("access_token" in login.data)) fail("log in", login.error ?? login.data);
  agora.setToken(login.data.access_token);

  let deadline = Date.now() + 60_000;
  let found = await agora.GET("/api/v1/search", { params: { query: { q: search } } });
  while (found.data?.items.length === 0 && Date.now() < deadline) {
    await sleep(500); // the index catches up
    found = await agora.GET("/api/v1/search", { params: { query: { q: search } } });
  }
  const hit = found.data?.items[0];
  if (!hit) fail("search", found.error ?? `nothing found for ${search}`);

  const product = await agora.GET("/api/v1/products/{product_id}", {
    params: { path: { product_id: hit.id } },
  });
  const sku = product.data?.variants[0]?.sku;
  if (!sku) fail("product", product.error);

  const cart = await agora.POST("/api/v1/cart/items", { body: { sku, quantity: 1 } });
  if (!cart.data) fail("add to cart", cart.error);

  const placed = await agora.POST("/api/v1/checkout", {
    params: { header: { "Idempotency-Key": randomBytes(12).toString("hex") } },
    body: {
      shipping_address: {
        name: "TypeScript Client",
        line1: "1 Typed Street",
        city: "Generatedville",
        postal_code: "12345",
        country: "DE",
      },
      payment_method: "pm_card_visa",
    },
  });
  if (!placed.data) fail("checkout", placed.error);

  let order = placed.data;
  deadline = Date.now() + 60_000;
  while (order.status !== "confirmed" && Date.now() < deadline) {
    await sleep(500);
    const current = await agora.GET("/api/v1/orders/{order_id}", {
      params: { path: { order_id: order.id } },
    });
    if (!current.data) fail("order", current.error);
    order = current.data;
  }
  if (order.status !== "confirmed") fail("confirmation", `order ${order.id} is ${order.status}`);
  return { email, sku, order_id: order.id, status: order.status, total: order.total.amount };
}

const [gateway, search] = process.argv.slice(2);
if (!gateway || !search) {
  console.error("usage: buyer-journey.js GATEWAY_URL SEARCH_TERM");
  process.exit(2);
}
journey(gateway, search).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
