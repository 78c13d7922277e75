// The store's sub-orders: those paid and waiting are shipped here with a carrier and a
// tracking number, then marked delivered.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, money, unwrap, type Schemas } from "../api";
import { Badge, ErrorMessage, Field, Loading, Page, Select } from "../ui";

const FILTERS = [
  { value: "", label: "All" },
  { value: "pending", label: "To ship" },
  { value: "shipped", label: "Shipped" },
  { value: "delivered", label: "Delivered" },
  { value: "cancelled", label: "Cancelled" },
];
type Filter = "pending" | "shipped" | "delivered" | "cancelled";

export function VendorOrders() {
  const [status, setStatus] = useState("");
  const orders = useQuery({
    queryKey: ["vendor", "orders", status],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/vendor/orders", {
          params: { query: { limit: 100, ...(status ? { status: status as Filter } : {}) } },
        }),
      ),
  });
  return (
    <Page title="Orders">
      <Select label="Show" value={status} onChange={setStatus} options={FILTERS} />
      {orders.isPending ? <Loading what="orders" /> : null}
      <ErrorMessage error={orders.error} />
      {orders.data && orders.data.items.length === 0 ? <p>No orders here.</p> : null}
      <ul className="cards">
        {orders.data?.items.map((order) => (
          <li key={order.id}>
            <OrderCard order={order} />
          </li>
        ))}
      </ul>
    </Page>
  );
}

function OrderCard({ order }: { order: Schemas["VendorOrderOut"] }) {
  const queries = useQueryClient();
  const [carrier, setCarrier] = useState("");
  const [tracking, setTracking] = useState("");
  const refresh = () => queries.invalidateQueries({ queryKey: ["vendor", "orders"] });
  const path = { sub_order_id: order.id };
  const ship = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/vendor/orders/{sub_order_id}/ship", {
          params: { path },
          body: { carrier, tracking_number: tracking },
        }),
      ),
    onSuccess: refresh,
  });
  const deliver = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/api/v1/vendor/orders/{sub_order_id}/deliver", { params: { path } })),
    onSuccess: refresh,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    ship.mutate();
  };
  const address = order.shipping_address;
  return (
    <article className="card" aria-labelledby={`order-${order.id}`}>
      <h2 id={`order-${order.id}`}>
        Order {order.order_number} <Badge value={order.status} />
      </h2>
      <ul>
        {order.lines.map((line) => (
          <li key={line.sku}>
            {line.quantity} × {line.title} ({line.sku}) — {money(line.line_total)}
          </li>
        ))}
      </ul>
      <p>
        Subtotal {money(order.subtotal)} ·{" "}
        {address
          ? `to ${address.name}, ${address.line1}, ${address.postal_code} ${address.city}, ${address.country}`
          : "no address: the buyer's account was erased"}
      </p>
      {order.tracking_number ? (
        <p>
          Shipped with {order.carrier}, tracking {order.tracking_number}
        </p>
      ) : null}
      {order.status === "pending" && order.order_status === "confirmed" ? (
        <form onSubmit={submit} className="inline-form" aria-label={`Ship order ${order.order_number}`}>
          <Field label="Carrier" required value={carrier} onChange={(e) => setCarrier(e.target.value)} />
          <Field
            label="Tracking number"
            required
            value={tracking}
            onChange={(e) => setTracking(e.target.value)}
          />
          <button type="submit" disabled={ship.isPending}>
            Mark shipped
          </button>
        </form>
      ) : null}
      {order.status === "shipped" ? (
        <button type="button" onClick={() => deliver.mutate()} disabled={deliver.isPending}>
          Mark delivered
        </button>
      ) : null}
      <ErrorMessage error={ship.error ?? deliver.error} />
    </article>
  );
}
