// Webhooks of the developer platform (/webhooks, ADR 0091): the endpoints that receive
// the store's events (an admin's: every store's), a new one with its signing secret
// shown once, a test ping, deletion after a confirmation, and each endpoint's recent
// deliveries.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, unwrap, when, type Schemas } from "../api";
import { Badge, Confirm, ErrorMessage, Field, Loading, Page, PagedTable, Table, usePaged } from "../ui";

type Endpoint = Schemas["WebhookOut"];
type EventType = Schemas["WebhookIn"]["events"][number];

const EVENTS: EventType[] = [
  "order.confirmed",
  "order.shipped",
  "order.delivered",
  "order.cancelled",
  "order.refunded",
  "payment.succeeded",
  "payment.failed",
  "payment.refunded",
  "payout.created",
  "product.published",
  "product.updated",
  "inventory.low_stock",
];

export function Webhooks() {
  const endpoints = usePaged(["webhooks"], async (cursor) =>
    unwrap(await api.GET("/api/v1/webhooks", { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
  );
  return (
    <Page title="Webhooks">
      <NewEndpoint />
      <h2>Endpoints</h2>
      <PagedTable
        paged={endpoints}
        what="webhook endpoints"
        empty="No endpoints yet."
        more="More endpoints"
        columns={["URL", "Events", "State", "Failures in a row", "Actions"]}
        row={(endpoint) => <EndpointRows key={endpoint.id} endpoint={endpoint} />}
      />
    </Page>
  );
}

function NewEndpoint() {
  const queries = useQueryClient();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventType[]>(["order.confirmed"]);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/api/v1/webhooks", { body: { url, events, description: description || null, active: true } })),
    onSuccess: () => {
      setUrl("");
      setDescription("");
      void queries.invalidateQueries({ queryKey: ["webhooks"] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const toggle = (name: EventType, on: boolean) =>
    setEvents(on ? [...events, name] : events.filter((e) => e !== name));
  return (
    <form className="card grid-form" onSubmit={submit} aria-labelledby="new-endpoint">
      <h2 id="new-endpoint">New endpoint</h2>
      <Field
        label="URL"
        type="url"
        required
        placeholder="https://hooks.example.com/agora"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
      />
      <Field label="Description" maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
      <fieldset className="events">
        <legend>Events</legend>
        {EVENTS.map((name) => (
          <label key={name} className="check">
            <input type="checkbox" checked={events.includes(name)} onChange={(e) => toggle(name, e.target.checked)} />{" "}
            {name}
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={create.error} />
      {create.isSuccess ? (
        <p role="status" className="secret">
          Endpoint created. Its signing secret, shown only now: <code>{create.data.secret}</code>
        </p>
      ) : null}
      <button type="submit" disabled={create.isPending || events.length === 0}>
        Create endpoint
      </button>
    </form>
  );
}

function EndpointRows({ endpoint }: { endpoint: Endpoint }) {
  const queries = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [open, setOpen] = useState(false);
  const [gone, setGone] = useState(false);
  const path = { webhook_id: endpoint.id };
  const ping = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/webhooks/{webhook_id}/test", { params: { path } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["webhooks", endpoint.id] }),
  });
  const remove = useMutation({
    mutationFn: async () => {
      const answer = await api.DELETE("/api/v1/webhooks/{webhook_id}", { params: { path } });
      if (!answer.response.ok) unwrap(answer);
    },
    onSuccess: () => {
      // Gone at once, with its delivery log's query, which would now be a 404.
      setGone(true);
      queries.removeQueries({ queryKey: ["webhooks", endpoint.id] });
      void queries.invalidateQueries({ queryKey: ["webhooks"], exact: true });
    },
  });
  if (gone) return null;
  return (
    <>
      <tr>
        <th scope="row">
          <code>{endpoint.url}</code>
          {endpoint.description ? <div className="muted">{endpoint.description}</div> : null}
        </th>
        <td>{endpoint.events.join(", ")}</td>
        <td>
          <Badge value={endpoint.active ? "active" : "inactive"} />
          {endpoint.disabled_reason ? <div className="muted">{endpoint.disabled_reason}</div> : null}
        </td>
        <td>{endpoint.consecutive_failures}</td>
        <td>
          <div className="actions">
            <button type="button" className="secondary" onClick={() => ping.mutate()} disabled={ping.isPending}>
              Send a test ping<span className="visually-hidden"> to {endpoint.url}</span>
            </button>
            {asking ? (
              <Confirm
                question={`Delete the endpoint ${endpoint.url}? Nothing more is sent to it, and its delivery log goes too.`}
                confirm="Delete endpoint"
                pending={remove.isPending}
                onConfirm={() => {
                  setAsking(false);
                  remove.mutate();
                }}
                onCancel={() => setAsking(false)}
              />
            ) : (
              <button type="button" className="secondary" onClick={() => setAsking(true)}>
                Delete<span className="visually-hidden"> {endpoint.url}</span>
              </button>
            )}
            <ErrorMessage error={ping.error ?? remove.error} />
          </div>
        </td>
      </tr>
      <tr className="detail-row">
        <td colSpan={5}>
          <details onToggle={(e) => setOpen(e.currentTarget.open)}>
            <summary>Recent deliveries to {endpoint.url}</summary>
            {open ? <Deliveries endpoint={endpoint} /> : null}
          </details>
        </td>
      </tr>
    </>
  );
}

function Deliveries({ endpoint }: { endpoint: Endpoint }) {
  const deliveries = useQuery({
    queryKey: ["webhooks", endpoint.id, "deliveries"],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/webhooks/{webhook_id}/deliveries", {
          params: { path: { webhook_id: endpoint.id }, query: { limit: 20 } },
        }),
      ),
    // Pending ones are sent in the background: follow them until they settle.
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === "pending") ? 2000 : false),
  });
  if (deliveries.isPending) return <Loading what="deliveries" />;
  if (deliveries.error) return <ErrorMessage error={deliveries.error} />;
  if (deliveries.data.items.length === 0) return <p>Nothing delivered yet.</p>;
  return (
    <Table
      caption={`Deliveries to ${endpoint.url}, newest first`}
      columns={["Event", "State", "Attempts", "Answer", "Last attempt", "Next attempt"]}
    >
      {deliveries.data.items.map((delivery) => (
        <tr key={delivery.id}>
          <th scope="row">
            <code>{delivery.event_type}</code>
          </th>
          <td>
            <Badge value={delivery.status} />
          </td>
          <td>{delivery.attempts}</td>
          <td>
            {delivery.response_status ?? "—"}
            {delivery.latency_ms !== null && delivery.latency_ms !== undefined ? ` in ${delivery.latency_ms} ms` : ""}
            {delivery.last_error ? <div className="muted">{delivery.last_error}</div> : null}
          </td>
          <td>{when(delivery.last_attempt_at)}</td>
          <td>{when(delivery.next_attempt_at)}</td>
        </tr>
      ))}
    </Table>
  );
}
